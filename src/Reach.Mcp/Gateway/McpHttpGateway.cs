using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Reach.Core.Engine;

namespace Reach.Mcp.Gateway;

/// <summary>
/// The gateway over Streamable HTTP (ModelContextProtocol.AspNetCore): each MCP session the SDK opens gets its own
/// <see cref="McpGateway"/>, server connection and transcript. A message filter hands every incoming message to that
/// gateway instead of the SDK's handlers, and the gateway's answers go back on the request that asked, so the SDK's
/// server is only the HTTP transport and the protocol passes through as it does on stdio.
/// </summary>
public static class McpHttpGateway
{
    /// <summary>The path the MCP endpoint is mapped to.</summary>
    public const string Path = "/mcp";

    /// <summary>Checks <c>HOST:PORT</c> is a loopback address; REACH-6040 otherwise.</summary>
    public static IPEndPoint ParseListen(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var text = listen.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + listen[9..] : listen;
        if (!IPEndPoint.TryParse(text, out var endpoint) || !IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ReachException(ErrorCatalog.McpListenInvalid, $"'{listen}' is not a loopback address and port; use 127.0.0.1:PORT.");
        }

        return endpoint;
    }

    /// <summary>
    /// Builds the web application. <paramref name="createGateway"/> starts a session's recording;
    /// <paramref name="connectUpstream"/> reaches the real server; <paramref name="finished"/> is told of each session's result.
    /// </summary>
    public static WebApplication Build(IPEndPoint listen, Func<CancellationToken, Task<McpGateway>> createGateway, Func<CancellationToken, Task<ITransport>> connectUpstream, Action<RunResult> finished)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var sessions = new ConcurrentDictionary<string, ServerSideTransport>(StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production, ContentRootPath = AppContext.BaseDirectory });

        // The gateway decides where it listens: no appsettings.json from the current directory and no Kestrel__*,
        // ASPNETCORE_* or DOTNET_* variables, any of which could add an endpoint on every interface.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen));
        builder.Services.AddMcpServer(options =>
        {
            options.Filters.Message.IncomingFilters.Add(next => async (context, cancellationToken) =>
            {
                if (context.Server.SessionId is { } id && sessions.TryGetValue(id, out var transport))
                {
                    await transport.ReceiveAsync(context.JsonRpcMessage, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await next(context, cancellationToken).ConfigureAwait(false);
            });
        }).WithHttpTransport(options =>
        {
            options.Stateless = false;
#pragma warning disable MCPEXP002 // The hook that lets one gateway (and transcript) live exactly as long as its MCP session.
            options.RunSessionHandler = async (httpContext, server, cancellationToken) =>
#pragma warning restore MCPEXP002
            {
                var transport = new ServerSideTransport(server);
                await using var gateway = await createGateway(cancellationToken).ConfigureAwait(false);
                var sessionId = server.SessionId ?? throw new InvalidOperationException("A stateful MCP session has an id.");
                sessions[sessionId] = transport;
                var gatewayRun = gateway.RunAsync(transport, connectUpstream, CancellationToken.None);
                try
                {
                    await server.RunAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    sessions.TryRemove(sessionId, out _);
                    transport.Complete();
                    finished(await gatewayRun.ConfigureAwait(false));
                }
            };
        });
        var app = builder.Build();
        app.MapMcp(Path);
        return app;
    }

    /// <summary>The URL clients connect to, once the application has started.</summary>
    public static string Url(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return address.TrimEnd('/') + Path;
    }

    /// <summary>The client's side of one HTTP session, as a transport the gateway pumps like stdio.</summary>
    private sealed class ServerSideTransport(McpServer server) : ITransport
    {
        private readonly Channel<JsonRpcMessage> _incoming = Channel.CreateUnbounded<JsonRpcMessage>();
        private readonly ConcurrentDictionary<RequestId, JsonRpcMessageContext?> _asked = new();

        public string? SessionId => server.SessionId;

        public ChannelReader<JsonRpcMessage> MessageReader => _incoming.Reader;

        public ValueTask ReceiveAsync(JsonRpcMessage message, CancellationToken cancellationToken)
        {
            if (message is JsonRpcRequest request)
            {
                _asked[request.Id] = request.Context;
            }

            return _incoming.Writer.WriteAsync(message, cancellationToken);
        }

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
        {
            // An answer goes back on the HTTP request that asked; anything else on the session's own stream.
            if (message is JsonRpcMessageWithId { Id: var id } answer and (JsonRpcResponse or JsonRpcError) && _asked.TryRemove(id, out var context) && context is not null)
            {
                message.Context = new JsonRpcMessageContext { RelatedTransport = context.RelatedTransport };
            }

            return server.SendMessageAsync(message, cancellationToken);
        }

        public void Complete() => _incoming.Writer.TryComplete();

        public ValueTask DisposeAsync()
        {
            Complete();
            return ValueTask.CompletedTask;
        }
    }
}
