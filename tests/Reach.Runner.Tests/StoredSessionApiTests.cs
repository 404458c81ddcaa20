using Microsoft.AspNetCore.Builder;
using Reach.Core.Transcripts;

namespace Reach.Runner.Tests;

/// <summary>The runner over its store: events and transcripts served from it, calls committed before they are answered, sessions that outlive the process.</summary>
public class StoredSessionApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_are_served_from_the_store_in_pages_as_the_writer_produced_them()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        for (var i = 0; i < 3; i++)
        {
            await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { i } });
        }

        var first = await GetJsonAsync(runner, $"/v1/sessions/{id}/events?limit=3");
        var rest = await GetJsonAsync(runner, $"/v1/sessions/{id}/events?after={first.GetProperty("next_after").GetInt64()}");

        var events = first.GetProperty("events").EnumerateArray().Concat(rest.GetProperty("events").EnumerateArray()).ToList();
        Assert.Equal([0L, 1, 2], first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_after").ValueKind);
        var lines = (await File.ReadAllTextAsync(Path.Combine(runner.Home, "runs", id + ".jsonl"), Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines[1..], events.Select(e => e.GetRawText()));
    }

    [Fact]
    public async Task Events_of_another_tenant_are_not_found()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello", tenant: "acme");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/sessions/{id}/events") { Headers = { { "X-Tenant-ID", "other" } } };
        using var other = await runner.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Contains("REACH-4002", await other.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_page_parameter_names_the_field()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");

        using var bad = await runner.Client.GetAsync(new Uri($"/v1/sessions/{id}/events?limit=0", UriKind.Relative), Ct);
        var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("REACH-4001", problem.GetProperty("code").GetString());
        Assert.Equal("limit", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_call_is_answered_only_after_its_events_are_committed()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");

        var answer = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { hi = 1 } });

        var stored = await runner.Store.ReadEventsAsync(Tenants.Default, id, -1, 1000, Ct);
        var last = stored![^1];
        Assert.Equal(answer.GetProperty("seq").GetInt64(), last.Seq);
        Assert.Equal(answer.GetProperty("hash").GetString(), JsonDocument.Parse(last.Line).RootElement.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task Sessions_and_transcripts_outlive_a_runner_restart()
    {
        string home;
        string closedId;
        string openId;
        byte[] sealedBytes;
        await using (var first = await RunnerFixture.StartAsync())
        {
            first.KeepHome = true;
            home = first.Home;
            closedId = await first.OpenAsync("hello", tenant: "acme");
            await first.PostAsync($"/v1/sessions/{closedId}/tool-calls", new { tool = "echo", input = new { a = 1 } }, tenant: "acme");
            await first.PostAsync($"/v1/sessions/{closedId}/close", new { }, tenant: "acme");
            sealedBytes = await File.ReadAllBytesAsync(Path.Combine(home, "runs", closedId + ".jsonl"), Ct);
            openId = await first.OpenAsync("hello", tenant: "acme");
            await first.PostAsync($"/v1/sessions/{openId}/tool-calls", new { tool = "echo", input = new { b = 2 } }, tenant: "acme");
        }

        await using var second = await RunnerFixture.StartAsync(home);
        Assert.Equal(sealedBytes, await GetBytesAsync(second, $"/v1/sessions/{closedId}/transcript", "acme"));
        var report = TranscriptVerifier.Verify(new MemoryStream(await GetBytesAsync(second, $"/v1/sessions/{openId}/transcript", "acme")));
        Assert.True(report.ChainIntact, report.Failure?.Message);
        Assert.False(report.Sealed);
        Assert.Equal(5, report.Events);
        await second.PostAsync($"/v1/sessions/{closedId}/tool-calls", new { tool = "echo" }, tenant: "acme", expected: HttpStatusCode.Conflict);
        // The session the first runner left open goes on here: the next call chains to event 4.
        var resumed = await second.PostAsync($"/v1/sessions/{openId}/tool-calls", new { tool = "echo" }, tenant: "acme");
        Assert.Equal(8, resumed.GetProperty("seq").GetInt64());
        await second.PostAsync($"/v1/sessions/{openId}/tool-calls", new { tool = "echo" }, tenant: "other", expected: HttpStatusCode.NotFound);
        await second.PostAsync($"/v1/sessions/{closedId}/tool-calls", new { tool = "echo" }, tenant: "other", expected: HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_after_a_restart_is_answered_from_the_store()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        var body = new { tool = "echo", input = new { a = 1 } };
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["Idempotency-Key"] = "call-1" };
        string id;
        byte[] first;
        await using (var runner = await RunnerFixture.StartAsync(home))
        {
            runner.KeepHome = true;
            id = await runner.OpenAsync("hello");
            first = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", body, headers: headers)).Expect(HttpStatusCode.OK).Bytes;
        }

        await using var second = await RunnerFixture.StartAsync(home);
        var retry = (await second.SendPostAsync($"/v1/sessions/{id}/tool-calls", body, headers: headers)).Expect(HttpStatusCode.OK);
        Assert.Equal(first, retry.Bytes);
        Assert.Equal("true", retry.Headers["Idempotent-Replayed"]);
        Assert.Equal(5, (await second.DescribeAsync(id)).GetProperty("events").GetInt64());
        (await second.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { a = 2 } }, headers: headers)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "REACH-4011");
    }

    [Fact]
    public async Task Readiness_fails_when_the_store_cannot_be_reached()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            var app = RunnerHost.Build(new RunnerOptions { Home = home, Urls = "http://127.0.0.1:0", Store = new UnreachableStore(), MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning });
            await using (app)
            {
                await app.StartAsync(Ct);
                using var client = new HttpClient { BaseAddress = new Uri(RunnerHost.Addresses(app).Single()) };
                using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Contains("REACH-4008", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
                await app.StopAsync(Ct);
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<JsonElement> GetJsonAsync(RunnerFixture runner, string path)
    {
        using var response = await runner.Client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<byte[]> GetBytesAsync(RunnerFixture runner, string path, string tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "X-Tenant-ID", tenant } } };
        using var response = await runner.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }
}
