namespace Reach.Runner.Tests;

/// <summary>A 400 for text that is not JSON says where and what in plain words, not the reader's own message.</summary>
public class PlainProblemTextTests
{
    [Theory]
    [InlineData("{\"tool\":\"echo\",\"input\":{")]
    [InlineData("{\"tool\":\"echo\"} {}")]
    [InlineData("   ")]
    public async Task A_body_that_is_not_one_JSON_value_is_4001_with_line_and_column_in_plain_words(string body)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{id}/tool-calls") { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await runner.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var reply = new Reply($"POST tool-calls", response.StatusCode, new Dictionary<string, string>(), response.Content.Headers.ContentType?.MediaType, bytes);

        reply.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        var detail = reply.Json.GetProperty("detail").GetString()!;
        Assert.Contains("line 1, column", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Expected depth", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("isFinalBlock", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Expected end of data", detail, StringComparison.Ordinal);
    }
}
