namespace Reach.Runner.Tests;

/// <summary>A call carrying an MCP gateway's pin refusal (<c>refused</c>) is recorded as the pin gate's denial, and only a pin refusal's code is taken.</summary>
public sealed class PinRefusalTests
{
    [Fact]
    public async Task A_refused_call_is_recorded_as_a_deny_by_reach_mcp_pinned_and_charges_nothing()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("files-and-processes");

        var denied = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" }, refused = new { code = "REACH-6011", reason = "changed since pinned" } });
        var after = await runner.PostAsync($"/v1/sessions/{id}/decide", new { tool = "fs.write", input = new { path = "a.txt", content = "x" } });

        Assert.Equal("denied", denied.GetProperty("status").GetString());
        var decision = denied.GetProperty("decision");
        Assert.False(decision.GetProperty("allowed").GetBoolean());
        Assert.Equal("REACH-6011", decision.GetProperty("code").GetString());
        Assert.Equal(["reach.mcp.pinned"], decision.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("changed since pinned", decision.GetProperty("reason").GetString());
        Assert.True(after.GetProperty("decision").GetProperty("allowed").GetBoolean());
    }

    [Theory]
    [InlineData("REACH-3002")]
    [InlineData("REACH-2220")]
    [InlineData("CLIENT-SAYS-NO")]
    public async Task A_refusal_with_a_code_that_is_no_pin_refusal_is_refused_and_nothing_is_recorded(string code)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var id = await runner.OpenAsync("files-and-processes");

        var refused = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" }, refused = new { code, reason = "no" } }, expected: HttpStatusCode.BadRequest);
        var transcript = System.Text.Encoding.UTF8.GetString(await runner.Client.GetByteArrayAsync(new Uri($"/v1/sessions/{id}/transcript", UriKind.Relative), ct));

        Assert.Equal("REACH-4001", refused.GetProperty("code").GetString());
        Assert.Equal("refused.code", refused.GetProperty("field").GetString());
        Assert.DoesNotContain("policy.decision", transcript, StringComparison.Ordinal);
    }
}
