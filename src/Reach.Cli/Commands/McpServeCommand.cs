using System.Runtime.InteropServices;
using Reach.Core.Engine;
using Reach.Mcp.Gateway;

namespace Reach.Cli.Commands;

/// <summary><c>reach mcp serve &lt;connector&gt; --listen 127.0.0.1:PORT</c>: the gateway over Streamable HTTP, one transcript per MCP session.</summary>
internal static class McpServeCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var connector = new Argument<string>("connector") { Description = "The pinned connector to front" };
        var listen = new Option<string>("--listen") { Description = "The loopback address and port to listen on (0 = any free port)", DefaultValueFactory = _ => "127.0.0.1:8788" };
        var command = new Command("serve", "Serve the gateway over MCP Streamable HTTP at http://HOST:PORT/mcp; each MCP session is gated and recorded in its own transcript.\n\nExample:\n  reach mcp serve fs --listen 127.0.0.1:8788 --policy examples/mcp/fs-read-only.policy.json")
        {
            connector, listen,
        };
        McpCommand.AddGatewayOptions(command);
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var endpoint = McpHttpGateway.ParseListen(parse.GetValue(listen)!);
            var setup = McpCommand.GatewaySetup.Resolve(context, parse, parse.GetValue(connector)!, "http");
            var app = McpHttpGateway.Build(endpoint, token => McpGateway.CreateAsync(setup.Options, token), setup.ConnectAsync, result =>
            {
                setup.Save(result);
                environment.Error.WriteLine($"reach mcp serve: run {result.RunId} {RunSession.StatusText(result.Status)}{(result.Code is null ? string.Empty : " " + result.Code.Code)}, {result.Events} events, transcript {setup.TranscriptPath(result.RunId)}");
            });
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stop.Cancel(); });
            try
            {
                app.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ListenFailure.IsAddressInUse(ex))
            {
                app.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw ListenFailure.AddressInUse(endpoint.ToString(), ex);
            }

            var url = McpHttpGateway.Url(app);
            if (context.Json)
            {
                environment.Output.WriteLine($$"""{"ok":true,"url":"{{url}}","connector":"{{setup.Connector.Name}}"}""");
            }
            else
            {
                environment.Output.WriteLine($"reach mcp serve: listening on {url} for {setup.Connector.Name}; Ctrl+C stops");
            }

            environment.Output.Flush();
            try
            {
                stop.Token.WaitHandle.WaitOne();
            }
            finally
            {
                app.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
                app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return 0;
        });
        return command;
    }
}
