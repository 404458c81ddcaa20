using System.Runtime.InteropServices;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Reach.Core.Engine;
using Reach.Core.Transcripts;
using Reach.Mcp.Connectors;
using Reach.Mcp.Gateway;

namespace Reach.Cli.Commands;

/// <summary><c>reach mcp proxy|serve</c>: the MCP gateway, on stdio or on Streamable HTTP.</summary>
internal static class McpCommand
{
    private static readonly Option<string?> Budget = new("--budget") { Description = "Limits for the session: max_tool_calls=N,max_cost=C,max_duration=30s (each call costs 1)" };
    private static readonly Option<int> Timeout = new("--timeout") { Description = "Seconds a tool call may wait for the server (default 60)", DefaultValueFactory = _ => 60 };
    private static readonly Option<string?> Runner = new("--runner") { Description = "Record into a session of this runner (http://127.0.0.1:PORT) instead of a local transcript" };
    private static readonly Option<int> MaxResultBytes = new("--max-result-bytes") { Description = "The largest tool result forwarded and recorded, in bytes of JSON (default 4194304)", DefaultValueFactory = _ => 4 * 1024 * 1024 };

    public static Command Create(CliEnvironment environment)
    {
        var mcp = new Command("mcp", "The MCP gateway: every tools/call of an MCP client checked against the pins, gated by policy and budget, and recorded.\n\nExample:\n  reach mcp proxy fs --policy examples/mcp/fs-read-only.policy.json --budget max_tool_calls=50");
        mcp.Subcommands.Add(Proxy(environment));
        mcp.Subcommands.Add(McpServeCommand.Create(environment));
        return mcp;
    }

    internal static void AddGatewayOptions(Command command)
    {
        PolicyRunOptions.Add(command);
        command.Options.Add(Budget);
        command.Options.Add(Timeout);
        command.Options.Add(MaxResultBytes);
        command.Options.Add(Runner);
    }

    private static Command Proxy(CliEnvironment environment)
    {
        var connector = new Argument<string>("connector") { Description = "The pinned connector to front" };
        var command = new Command("proxy", "Speak MCP on stdio to the client and to the connector's server; gate and record every tools/call. Stdout is the MCP channel: messages go to stderr.\n\nExample:\n  reach mcp proxy fs --policy examples/mcp/fs-read-only.policy.json --budget max_tool_calls=50")
        {
            connector,
        };
        AddGatewayOptions(command);
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var setup = GatewaySetup.Resolve(context, parse, parse.GetValue(connector)!, "stdio");
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stop.Cancel(); });
            var gateway = McpGateway.CreateAsync(setup.Options, stop.Token).GetAwaiter().GetResult();
            try
            {
                environment.Error.WriteLine($"reach mcp proxy: {setup.Connector.Name}, run {gateway.RunId}, transcript {setup.TranscriptPath(gateway.RunId)}");
                environment.Error.Flush();
                var client = new CheckedStdioTransport(Console.OpenStandardInput(), Console.OpenStandardOutput(), "reach-" + setup.Connector.Name);
                var result = gateway.RunAsync(client, setup.ConnectAsync, stop.Token).GetAwaiter().GetResult();
                setup.Save(result);
                environment.Error.WriteLine($"reach mcp proxy: {(setup.Options.Runner is null ? "run" : "runner session")} {result.RunId} {RunSession.StatusText(result.Status)}{(result.Code is null ? string.Empty : " " + result.Code.Code)}, {result.Events} events, fingerprint {result.Fingerprint}");
                return 0;
            }
            finally
            {
                gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
        return command;
    }

    /// <summary>What a gateway command resolved from its options: the connector, its pins, policy, budgets and transcript.</summary>
    internal sealed class GatewaySetup
    {
        private readonly CliEnvironment _environment;
        private readonly ReachHome _home;
        private readonly PolicySelection _policy;
        private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

        private GatewaySetup(CliEnvironment environment, ReachHome home, Connector connector, PolicySelection policy, GatewayOptions options)
        {
            _environment = environment;
            _home = home;
            Connector = connector;
            _policy = policy;
            Options = options;
        }

        public Connector Connector { get; }

        public GatewayOptions Options { get; }

        public string TranscriptPath(string runId) => _home.TranscriptPath(runId);

        public static GatewaySetup Resolve(CommandContext context, ParseResult parse, string name, string clientTransport)
        {
            var environment = context.Environment;
            var store = ConnectorCommand.Store(environment);
            var connector = store.Get(name);
            var pins = store.GetPins(name);
            var policy = PolicyRunOptions.Resolve(parse, context);
            var budgets = BudgetText.Parse(parse.GetValue(Budget));
            var home = new ReachHome(environment.Home);
            home.Ensure();
            var secrets = new List<string>();
            foreach (var variable in connector.Env)
            {
                secrets.Add(environment.Get(variable) ?? throw new ReachException(ErrorCatalog.McpEnvMissing, $"The connector '{name}' passes the variable {variable} to its server, but it is not set."));
            }

            var pack = GatewayPack.Create(pins, budgets);
            RunnerTarget? runner = null;
            if (parse.GetValue(Runner) is { } runnerUrl)
            {
                if (!Uri.TryCreate(runnerUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    throw new ReachException(ErrorCatalog.McpRunnerUnavailable, $"'{runnerUrl}' is not a runner URL; pass http://127.0.0.1:PORT.");
                }

                CheckNamesOnly(policy.Path);
                var packDirectory = System.IO.Path.Combine(store.Root, name, "runner-pack");
                RunnerGatewaySession.WritePack(pack, packDirectory);
                runner = new RunnerTarget(url, packDirectory, policy.Path, policy.Mode);
            }

            var options = new GatewayOptions
            {
                Pack = pack,
                Runner = runner,
                OpenTranscript = id => Open(home.TranscriptPath(id)),
                Policy = policy.Gate,
                ClientTransport = clientTransport,
                CallTimeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(Timeout))),
                MaxResultBytes = Math.Max(1024, parse.GetValue(MaxResultBytes)),
                Secrets = secrets,
                // fsync_interval_ms as every host reads it: REACH_FSYNC_INTERVAL_MS, then config.json, then 1000.
                WriterOptions = new TranscriptWriterOptions { FsyncInterval = TimeSpan.FromMilliseconds(context.Config.FsyncIntervalMs.Value) },
            };
            return new GatewaySetup(environment, home, connector, policy, options);
        }

        public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken)
        {
            var transport = UpstreamTransport.Create(Connector, _environment.Get, line => _environment.Error.WriteLine($"[{Connector.Name}] {Withhold(line)}"));
            return await transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        // The server's own stderr is passed on, but never with a value of an --env variable in it.
        private string Withhold(string line)
        {
            foreach (var secret in Options.Secrets)
            {
                if (secret.Length > 0)
                {
                    line = line.Replace(secret, "[secret withheld by reach]", StringComparison.Ordinal);
                }
            }

            return line;
        }

        // The runner treats the gateway's tools as client-run tools, which need no permissions there: a rule on mcp:*
        // permissions would silently not hold, so such a bundle is refused rather than half-applied.
        private static void CheckNamesOnly(string? bundlePath)
        {
            if (bundlePath is null)
            {
                return;
            }

            var text = File.ReadAllText(bundlePath);
            if (text.Contains("\"permissions\"", StringComparison.Ordinal) || text.Contains("\"only_permissions\"", StringComparison.Ordinal))
            {
                throw new ReachException(ErrorCatalog.McpRunnerPolicyPermissions, $"The bundle '{bundlePath}' matches tools by permissions, which the runner does not give the gateway's tools.");
            }
        }

        /// <summary>Writes the run's index entry, so <c>reach runs</c>, <c>reach replay</c> and <c>policy explain</c> find it (a runner keeps its own).</summary>
        public void Save(RunResult result)
        {
            if (Options.Runner is null)
            {
                SaveLocal(result);
            }
        }

        private void SaveLocal(RunResult result) => _home.Save(new RunIndexEntry
        {
            RunId = result.RunId,
            Pack = GatewayPack.NamePrefix + Connector.Name,
            Version = GatewayPack.PackVersion,
            PackDir = "mcp:" + Connector.Name,
            Status = RunSession.StatusText(result.Status),
            Code = result.Code?.Code,
            Fingerprint = result.Fingerprint.ToString(),
            Transcript = _home.TranscriptPath(result.RunId),
            StartedAt = _startedAt.ToString("O", CultureInfo.InvariantCulture),
            Events = result.Events,
            Policy = _policy.Path,
            PolicyMode = _policy.Mode,
        });

        private static FileStream Open(string path)
        {
            try
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ReachException(ErrorCatalog.IoFailed, $"The transcript '{path}' cannot be created: {ex.Message}");
            }
        }
    }
}
