namespace Reach.Runner.Tests;

/// <summary>Request bodies bound through the source-generated contract (RunnerJsonContext), read as exactly as the hand-written reader read them.</summary>
public class RequestContractTests
{
    [Fact]
    public async Task A_member_spelled_in_another_case_is_not_the_member()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var refused = (await runner.SendPostAsync("/v1/sessions", """{"Pack":"hello"}""")).ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");

        Assert.Equal("pack", refused.Json.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_number_sent_as_a_string_is_refused_naming_the_nested_field()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");

        var refused = (await runner.SendPostAsync($"/v1/sessions/{id}/spawn", """{"budget":{"max_steps":"5"}}""")).ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");

        Assert.Equal("budget.max_steps", refused.Json.GetProperty("field").GetString());
        Assert.Equal("The field 'budget.max_steps' must be a whole number.", refused.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_step_of_the_wrong_type_is_refused_before_anything_is_recorded()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var refused = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", """{"tool":"echo","step":5}""")).ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");

        Assert.Equal("step", refused.Json.GetProperty("field").GetString());
        Assert.Equal(before, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());
    }

    [Theory]
    [InlineData("/v1/sessions", "post", "pack")]
    [InlineData("/v1/sessions/{id}/tool-calls", "post", "tool")]
    [InlineData("/v1/policies/evaluate", "post", "bundle,call")]
    [InlineData("/v1/sessions/{id}/spawn", "post", "")]
    public async Task The_openapi_document_requires_what_the_records_mark_required(string path, string method, string required)
    {
        await using var runner = await RunnerFixture.StartAsync();

        var document = (await runner.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK).Json;

        var schema = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var listed = schema.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()!).Order(StringComparer.Ordinal).ToArray() : [];
        Assert.Equal(required.Split(',', StringSplitOptions.RemoveEmptyEntries), listed);
    }
}
