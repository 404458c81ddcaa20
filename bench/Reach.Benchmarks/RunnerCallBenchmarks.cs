using BenchmarkDotNet.Attributes;
using Reach.Runner;
using Reach.Configuration;
using Reach.Storage.Sqlite;

namespace Reach.Benchmarks;

/// <summary>
/// One gated, recorded tool call through the runner over loopback HTTP, from one client, committed to SQLite before
/// it is answered: the single-call latency behind the load figure (<see cref="RunnerLoad"/> measures throughput and
/// p99 under concurrency).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class RunnerCallBenchmarks
{
    private WebApplication _app = null!;
    private SqliteRunnerStore _store = null!;
    private HttpClient _http = null!;
    private Uri _calls = null!;
    private string _home = null!;
    private int _n;

    [GlobalSetup]
    public async Task Setup()
    {
        _home = Directory.CreateTempSubdirectory("reach-bench-runner-").FullName;
        var pack = RunnerLoad.WritePack(_home);
        _store = await SqliteRunnerStore.OpenAsync(SqliteRunnerStore.DefaultPath(_home), CancellationToken.None);
        var config = ConfigLoader.Load(_home, new Dictionary<string, string>()) with { RateLimitPerSecond = new(0, ConfigSource.Flag) };
        _app = RunnerHost.Build(new RunnerOptions { Home = _home, Urls = "http://127.0.0.1:0", Store = _store, Config = config, PackDirectories = [RunnerLoad.PackDirectory(_home)], MinimumLogLevel = LogLevel.Warning });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(RunnerHost.Addresses(_app).Single()) };
        using var opened = await _http.PostAsync(new Uri("/v1/sessions", UriKind.Relative), new StringContent("{\"pack\":" + JsonSerializer.Serialize(pack) + "}", System.Text.Encoding.UTF8, "application/json"));
        opened.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await opened.Content.ReadAsStringAsync());
        _calls = new Uri($"/v1/sessions/{body.RootElement.GetProperty("session_id").GetString()}/tool-calls", UriKind.Relative);
    }

    [Benchmark]
    public async Task<int> ToolCall()
    {
        using var content = new StringContent("{\"tool\":\"echo\",\"input\":{\"n\":" + (_n++).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}", System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(_calls, content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode ? bytes.Length : throw new InvalidOperationException(System.Text.Encoding.UTF8.GetString(bytes));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }
}
