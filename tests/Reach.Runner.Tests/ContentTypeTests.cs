using System.Text;

namespace Reach.Runner.Tests;

/// <summary>The runner reads a JSON body whatever the client labels it, as `curl -d` sends it (docs/RUNNER.md's walk-through).</summary>
public class ContentTypeTests
{
    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_json_body_is_read_whatever_its_content_type(string? contentType)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var open = await SendAsync(runner, "/v1/sessions", $"{{\"pack\":{JsonSerializer.Serialize("hello")}}}", contentType, ct);
        Assert.True(open.StatusCode == HttpStatusCode.Created, await open.Content.ReadAsStringAsync(ct));
        using var opened = JsonDocument.Parse(await open.Content.ReadAsStringAsync(ct));
        var id = opened.RootElement.GetProperty("session_id").GetString();

        var call = await SendAsync(runner, $"/v1/sessions/{id}/tool-calls", "{\"tool\":\"echo\",\"input\":{\"a\":1}}", contentType, ct);
        var text = await call.Content.ReadAsStringAsync(ct);
        Assert.True(call.StatusCode == HttpStatusCode.OK, text);
        using var answer = JsonDocument.Parse(text);
        Assert.True(answer.RootElement.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.Equal(1, answer.RootElement.GetProperty("output").GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task An_unknown_path_is_a_404_problem()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using var response = await runner.Client.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("REACH-4021", problem.RootElement.GetProperty("code").GetString());
    }

    private static async Task<HttpResponseMessage> SendAsync(RunnerFixture runner, string path, string json, string? contentType, CancellationToken ct)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return await runner.Client.SendAsync(request, ct);
    }
}
