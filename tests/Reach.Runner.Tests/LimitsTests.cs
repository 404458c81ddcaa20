using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary>The request body limit (413, REACH-4016) and the per-token rate limit (429, REACH-4017, Retry-After).</summary>
public class LimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_over_max_request_bytes_is_413_and_nothing_is_opened()
    {
        await using var runner = await StartWithConfigAsync("""{"max_request_bytes":1024}""");
        var large = JsonSerializer.Serialize(new { pack = "hello", inputs = new { name = new string('a', 4096) } });

        var refused = await runner.SendPostAsync("/v1/sessions", large);
        var small = await runner.SendPostAsync("/v1/sessions", new { pack = "hello", inputs = new { name = "Ada" } });

        refused.ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "REACH-4016");
        small.Expect(HttpStatusCode.Created);
        Assert.Single(await runner.Store.ListSessionsAsync(Tenants.Default, null, 10, Ct));
    }

    [Fact]
    public async Task A_tool_call_over_max_request_bytes_is_413_and_records_nothing()
    {
        await using var runner = await StartWithConfigAsync("""{"max_request_bytes":1024}""");
        var id = await runner.OpenAsync("hello");
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var refused = await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { text = new string('x', 4096) } });

        refused.ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "REACH-4016");
        Assert.Equal(before, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task A_chunked_body_over_max_request_bytes_is_413_too()
    {
        await using var runner = await StartWithConfigAsync("""{"max_request_bytes":1024}""");
        var body = System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { pack = "hello", inputs = new { name = new string('a', 4096) } }));
        using var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await runner.Client.SendAsync(request, Ct);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("REACH-4016", problem.GetProperty("code").GetString());
        Assert.Empty(await runner.Store.ListSessionsAsync(Tenants.Default, null, 10, Ct));
    }

    [Fact]
    public async Task A_burst_over_the_rate_limit_is_429_with_Retry_After()
    {
        await using var runner = await StartWithConfigAsync("""{"rate_limit_per_second":2}""");

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => runner.GetAsync("/v1/version")));

        var limited = replies.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.Contains(replies, r => r.Status == HttpStatusCode.OK);
        Assert.All(replies, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.All(limited, r =>
        {
            r.ExpectProblem(HttpStatusCode.TooManyRequests, "REACH-4017");
            Assert.True(int.TryParse(r.Header("Retry-After"), out var seconds) && seconds >= 1, $"Retry-After: {r.Header("Retry-After")}");
        });
    }

    [Fact]
    public async Task Each_token_has_its_own_rate_budget()
    {
        await using var runner = await StartWithConfigAsync("""{"rate_limit_per_second":2}""");
        var (_, first) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);
        var (_, second) = await Tokens.CreateAsync(runner.Store, "globex", "deploy", Now, Ct);

        var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => runner.GetAsync("/v1/version", token: first)));
        var other = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => runner.GetAsync("/v1/version", token: second)));

        Assert.Contains(burst, r => r.Status == HttpStatusCode.TooManyRequests);
        Assert.All(other, r => r.Expect(HttpStatusCode.OK));
    }

    [Fact]
    public async Task Two_tokens_with_the_same_name_in_one_tenant_have_separate_budgets()
    {
        await using var runner = await StartWithConfigAsync("""{"rate_limit_per_second":2}""");
        var (_, first) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);
        var (_, second) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);

        var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => runner.GetAsync("/v1/version", token: first)));
        var other = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => runner.GetAsync("/v1/version", token: second)));

        // "A token bucket per token": a rotated token that kept its name is still another token.
        Assert.Contains(burst, r => r.Status == HttpStatusCode.TooManyRequests);
        Assert.All(other, r => r.Expect(HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_rate_limit_of_zero_turns_the_limit_off()
    {
        await using var runner = await StartWithConfigAsync("""{"rate_limit_per_second":0}""");

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => runner.GetAsync("/v1/version")));

        Assert.All(replies, r => r.Expect(HttpStatusCode.OK));
    }

    private static async Task<RunnerFixture> StartWithConfigAsync(string json)
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        await File.WriteAllTextAsync(Path.Combine(home, ReachConfig.FileName), json, Ct);
        var config = ConfigLoader.Load(home, new Dictionary<string, string>());
        return await RunnerFixture.StartAsync(home, o => o with { Config = config });
    }
}
