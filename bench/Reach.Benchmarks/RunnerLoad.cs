using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Reach.Runner;
using Reach.Configuration;
using Reach.Storage;
using Reach.Storage.Postgres;
using Reach.Storage.Sqlite;

namespace Reach.Benchmarks;

/// <summary>
/// The runner's load figure (issue: ≥ 5,000 gated, recorded tool calls a second with p99 ≤ 20 ms): a runner in this
/// process on 127.0.0.1, driven over HTTP by <c>--clients</c> concurrent clients, each with its own session (calls to
/// one session are serialized by design), calling <c>echo</c> through the policy and budget gates; every call's events
/// are committed to the store before it is answered. Latency is measured per call, from send to parsed answer.
/// BenchmarkDotNet measures one operation's mean; throughput under concurrency and a per-call p99 need this harness.
/// <code>dotnet run -c Release -- runner-load [--store sqlite|postgres] [--database URL] [--clients 32] [--seconds 10]</code>
/// </summary>
internal static class RunnerLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var store = Arg(args, "--store") ?? "sqlite";
        var clients = int.Parse(Arg(args, "--clients") ?? "32", CultureInfo.InvariantCulture);
        var seconds = double.Parse(Arg(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        var warmup = double.Parse(Arg(args, "--warmup") ?? "3", CultureInfo.InvariantCulture);
        var home = Directory.CreateTempSubdirectory("reach-load-").FullName;
        var pack = WritePack(home);
        IRunnerStore runnerStore = store switch
        {
            "sqlite" => await SqliteRunnerStore.OpenAsync(SqliteRunnerStore.DefaultPath(home), CancellationToken.None),
            "postgres" => await PostgresRunnerStore.OpenAsync(
                Arg(args, "--database") ?? Environment.GetEnvironmentVariable("REACH_BENCH_POSTGRES") ?? throw new ArgumentException("--store postgres needs --database or REACH_BENCH_POSTGRES"),
                CancellationToken.None),
            _ => throw new ArgumentException("--store is sqlite or postgres"),
        };

        // The rate limit is a per-token guard against runaway clients; this harness is one client at full speed.
        var config = ConfigLoader.Load(home, new Dictionary<string, string>()) with { RateLimitPerSecond = new(0, ConfigSource.Flag) };
        var app = RunnerHost.Build(new RunnerOptions { Home = home, Urls = "http://127.0.0.1:0", Store = runnerStore, Config = config, PackDirectories = [PackDirectory(home)], MinimumLogLevel = LogLevel.Warning });
        await app.StartAsync();
        var address = new Uri(RunnerHost.Addresses(app).Single());
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = address };
        try
        {
            var sessions = new string[clients];
            for (var i = 0; i < clients; i++)
            {
                using var opened = await http.PostAsJsonAsync(new Uri("/v1/sessions", UriKind.Relative), new { pack });
                opened.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await opened.Content.ReadAsStringAsync());
                sessions[i] = body.RootElement.GetProperty("session_id").GetString()!;
            }

            await DriveAsync(http, sessions, TimeSpan.FromSeconds(warmup), null);
            var latencies = new List<double>[clients];
            var stopwatch = Stopwatch.StartNew();
            await DriveAsync(http, sessions, TimeSpan.FromSeconds(seconds), latencies);
            var elapsed = stopwatch.Elapsed.TotalSeconds;
            var all = latencies.SelectMany(l => l).Order().ToArray();
            double Percentile(double p) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(p / 100 * all.Length) - 1)];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"runner-load store={store} clients={clients} seconds={elapsed:F1} calls={all.Length} calls/s={all.Length / elapsed:F0} p50={Percentile(50):F2}ms p90={Percentile(90):F2}ms p99={Percentile(99):F2}ms max={all[^1]:F2}ms"));
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await runnerStore.DisposeAsync();
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task DriveAsync(HttpClient http, string[] sessions, TimeSpan duration, List<double>[]? latencies)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(sessions.Select((session, worker) => Task.Run(async () =>
        {
            var mine = new List<double>(100_000);
            var uri = new Uri($"/v1/sessions/{session}/tool-calls", UriKind.Relative);
            var n = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new StringContent("{\"tool\":\"echo\",\"input\":{\"worker\":" + worker.ToString(CultureInfo.InvariantCulture) + ",\"n\":" + (n++).ToString(CultureInfo.InvariantCulture) + "}}", System.Text.Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(uri, content);
                var bytes = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode || bytes.AsSpan().IndexOf("\"allowed\":true"u8) < 0)
                {
                    throw new InvalidOperationException($"call {n} of session {session} was not recorded as allowed: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            if (latencies is not null)
            {
                latencies[worker] = mine;
            }
        })));
    }

    /// <summary>The name clients open the benchmark pack by (it is in <see cref="PackDirectory"/>).</summary>
    internal const string PackName = "load";

    /// <summary>The runner's pack directory for the benchmark: outside REACH_HOME's tenant data.</summary>
    internal static string PackDirectory(string home) => Path.Combine(home, "bench-packs");

    // A pack with one deterministic built-in and budgets far above what the run can use; returns its name.
    internal static string WritePack(string home)
    {
        var dir = Path.Combine(PackDirectory(home), PackName);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "pack.json"), """
            {
              "name": "load",
              "version": "1.0.0",
              "description": "Echo calls for the runner load benchmark.",
              "tools": [ { "name": "echo", "cost": 0 } ],
              "steps": [ { "id": "one", "tool": "echo", "input": { "x": 1 } } ],
              "budgets": { "max_steps": 100000000, "max_tool_calls": 100000000, "max_duration": "24h" }
            }
            """);
        return PackName;
    }

    private static string? Arg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
