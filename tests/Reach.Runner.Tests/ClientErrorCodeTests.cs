namespace Reach.Runner.Tests;

/// <summary>A client's <c>result.error.code</c> is its own: it is of the code alphabet, and a REACH code only when the catalogue defines it.</summary>
public sealed class ClientErrorCodeTests
{
    [Theory]
    [InlineData("reach-2201")]
    [InlineData("REACH-9999")]
    [InlineData("disk full")]
    [InlineData("<script>")]
    [InlineData("-leading-dash")]
    public async Task An_invented_reach_code_or_a_code_outside_the_code_alphabet_is_refused_and_nothing_is_recorded(string code)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var id = await runner.OpenAsync("files-and-processes");

        var refused = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" }, result = new { error = new { code, message = "no space left" } } }, expected: HttpStatusCode.BadRequest);
        var transcript = System.Text.Encoding.UTF8.GetString(await runner.Client.GetByteArrayAsync(new Uri($"/v1/sessions/{id}/transcript", UriKind.Relative), ct));

        Assert.Equal("REACH-4001", refused.GetProperty("code").GetString());
        Assert.Equal("result.error.code", refused.GetProperty("field").GetString());
        Assert.DoesNotContain("tool.error", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("policy.decision", transcript, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CLIENT-DISK-FULL")]
    [InlineData("ENOSPC")]
    [InlineData("acme.storage:quota_exceeded")]
    [InlineData("REACH-2220")]
    public async Task A_client_error_code_of_its_own_or_from_the_catalogue_is_recorded_as_given(string code)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("files-and-processes");

        var failed = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" }, result = new { error = new { code, message = "no space left" } } });

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(code, failed.GetProperty("error").GetProperty("code").GetString());
    }
}
