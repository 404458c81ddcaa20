using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reach.Runner;
using Reach.Configuration;
using Reach.Storage;
using Reach.Storage.Postgres;
using Reach.Storage.Sqlite;

namespace Reach.Cli.Commands;

/// <summary><c>reach serve</c>: starts the runner (docs/RUNNER.md) on a loopback address until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var urls = new Option<string?>("--urls") { Description = $"The address to bind; a non-loopback address needs --require-token (default: listen in config.json, else {RunnerOptions.DefaultUrls})" };
        var requireToken = new Option<bool>("--require-token") { Description = "Refuse every request but /healthz, /readyz and the API description without a valid token (reach token create); required to bind a non-loopback address (default: require_token in config.json, else off)" };
        var database = new Option<string?>("--database") { Description = "A PostgreSQL database to keep sessions in: a postgres://user:password@host:port/db URL or an Npgsql connection string (default: REACH_DATABASE_URL, else SQLite in REACH_HOME/reach.db)" };
        var packDirs = new Option<string[]>("--pack-dir") { Description = "A directory of packs (or one pack) that clients may open by the NAME in their pack.json (repeatable; added to pack_directories in config.json)", AllowMultipleArgumentsPerToken = false };
        var policyDirs = new Option<string[]>("--policy-dir") { Description = "A directory whose NAME/policy.json or NAME.json are policy bundles clients may name (repeatable; added to policy_directories)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("serve", "Start the runner: an HTTP API through which agents open sessions and send tool calls that are gated and recorded.\n\nExample:\n  reach serve\n  reach serve --pack-dir examples/packs --policy-dir policies\n  reach serve --urls http://127.0.0.1:9000\n  reach serve --database postgres://reach:secret@127.0.0.1:5432/reach\n  reach serve --urls http://0.0.0.0:8787 --require-token")
        {
            urls,
            database,
            requireToken,
            packDirs,
            policyDirs,
        };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);

            // Checked before the database is touched, so a refused address leaves REACH_HOME as it was.
            var config = ConfigLoader.Load(context.Environment.Home, context.Environment.Variables);
            var url = parse.GetValue(urls) ?? config.Listen.Value;
            var tokens = parse.GetValue(requireToken) || config.RequireToken.Value;
            RunnerHost.CheckBind(url, tokens);
            var store = OpenStore(context, parse.GetValue(database));
            try
            {
                var app = RunnerHost.Build(new RunnerOptions
                {
                    Home = context.Environment.Home,
                    Urls = url,
                    Store = store,
                    Config = config,
                    RequireToken = tokens,
                    PackDirectories = [.. (parse.GetValue(packDirs) ?? []).Select(d => Path.GetFullPath(d))],
                    PolicyDirectories = [.. (parse.GetValue(policyDirs) ?? []).Select(d => Path.GetFullPath(d))],
                    MinimumLogLevel = context.Verbose ? LogLevel.Information : LogLevel.Warning,
                });
                using (app)
                {
                    try
                    {
                        app.Start();
                    }
                    catch (Exception ex) when (ListenFailure.IsAddressInUse(ex))
                    {
                        throw ListenFailure.AddressInUse(url, ex);
                    }

                    var addresses = string.Join(", ", RunnerHost.Addresses(app));
                    if (context.Json)
                    {
                        context.WriteJson(w =>
                        {
                            w.WriteBoolean("ok", true);
                            w.WriteString("listening", addresses);
                            w.WriteString("home", context.Environment.Home);
                        });
                    }
                    else if (context.Human)
                    {
                        context.Plain($"reach serve: listening on {addresses} (REACH_HOME {context.Environment.Home}); Ctrl+C stops");
                    }

                    app.WaitForShutdown();
                }
            }
            finally
            {
                store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return 0;
        });
        return command;
    }

    /// <summary>The runner's store: PostgreSQL when a database is given (the option, else REACH_DATABASE_URL), else SQLite in REACH_HOME/reach.db.</summary>
    public static IRunnerStore OpenStore(CommandContext context, string? database)
    {
        var postgres = database is { Length: > 0 } given ? given : context.Environment.Get(ReachVariables.DatabaseUrl);
        return postgres is null
            ? SqliteRunnerStore.OpenAsync(SqliteRunnerStore.DefaultPath(context.Environment.Home), CancellationToken.None).GetAwaiter().GetResult()
            : PostgresRunnerStore.OpenAsync(postgres, CancellationToken.None).GetAwaiter().GetResult();
    }
}
