using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Reach.Storage.Sqlite;

namespace Reach.Runner.Tests;

/// <summary>A real runner on 127.0.0.1 with a free port and its own temporary REACH_HOME, driven over HTTP.</summary>
internal sealed class RunnerFixture : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunnerFixture(WebApplication app, string home, HttpClient client, SqliteRunnerStore store)
    {
        _app = app;
        Home = home;
        Client = client;
        Store = store;
    }

    public SqliteRunnerStore Store { get; }

    public string Home { get; }

    public HttpClient Client { get; }

    /// <summary>The directory of an example pack, to read or copy its files (clients open it by its name).</summary>
    public static string Example(string name) => Path.Combine(Repository.Root, "examples", "packs", name);

    /// <summary>The policy bundles clients of the test runner name (policies/NAME/policy.json).</summary>
    public static string Policies => Path.Combine(Repository.Root, "policies");

    /// <summary>The workspace of a session or run of <paramref name="tenant"/>, under that tenant's own root.</summary>
    public string Workspace(string id, string tenant = "default") => new PackSources(Home, [], []).Workspace(tenant, id);

    /// <summary>Leaves REACH_HOME in place on dispose, for a second runner to start on it.</summary>
    public bool KeepHome { get; set; }

    public static async Task<RunnerFixture> StartAsync(string? home = null, Func<RunnerOptions, RunnerOptions>? configure = null)
    {
        home ??= Directory.CreateTempSubdirectory("reach-runner-").FullName;
        var store = await SqliteRunnerStore.OpenAsync(SqliteRunnerStore.DefaultPath(home), TestContext.Current.CancellationToken);
        var options = new RunnerOptions { Home = home, Urls = "http://127.0.0.1:0", Store = store, MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning };
        options = configure is null ? options : configure(options);

        // As an operator would start it: the example packs and policies are the runner's configured directories.
        options = options with { PackDirectories = [Path.Combine(Repository.Root, "examples", "packs"), .. options.PackDirectories], PolicyDirectories = [Policies, .. options.PolicyDirectories] };
        var app = RunnerHost.Build(options);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = RunnerHost.Addresses(app).Single();
        return new RunnerFixture(app, home, new HttpClient { BaseAddress = new Uri(address) }, store);
    }

    public async Task<JsonElement> PostAsync(string path, object body, string? tenant = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (tenant is not null)
        {
            request.Headers.Add("X-Tenant-ID", tenant);
        }

        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"POST {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<string> OpenAsync(string pack, string? tenant = null)
    {
        var opened = await PostAsync("/v1/sessions", new { pack }, tenant, HttpStatusCode.Created);
        return opened.GetProperty("session_id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        if (KeepHome)
        {
            return;
        }

        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
