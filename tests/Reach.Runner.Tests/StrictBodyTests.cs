using System.Text;
using Reach.Core.Transcripts;

namespace Reach.Runner.Tests;

/// <summary>
/// Every body is read by one strict reader, and a call either records its result (or a coded tool.error) or records
/// nothing: bad text is a coded 400 that leaves the transcript, the budget and the step numbering as they were.
/// </summary>
public class StrictBodyTests
{
    [Fact]
    public async Task A_lone_surrogate_in_a_supplied_result_is_refused_and_records_nothing()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("files-and-processes");
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var refused = await PostRawAsync(runner, $"/v1/sessions/{id}/tool-calls", """{"tool":"proc.exec","input":{"command":"true"},"result":{"output":{"stdout":"\ud800"}}}"""u8.ToArray());

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-1003");
        Assert.Equal(before, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());

        // The next call is the first one: index 0, charged once.
        var next = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "proc.exec", input = new { command = "true" }, result = new { output = new { stdout = "" } } });
        Assert.Equal("succeeded", next.GetProperty("status").GetString());
        await runner.PostAsync($"/v1/sessions/{id}/close", new { });
        var transcript = await runner.Client.GetByteArrayAsync(new Uri($"/v1/sessions/{id}/transcript", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True(TranscriptVerifier.Verify(new MemoryStream(transcript)).Ok);
        var started = Assert.Single(RunnerHttp.EventsOfType(transcript, "step.started"));
        Assert.Equal(0, started.GetProperty("data").GetProperty("index").GetInt64());
        var budget = Assert.Single(RunnerHttp.EventsOfType(transcript, "budget.decision"));
        Assert.Equal(0m, budget.GetProperty("data").GetProperty("usage").GetProperty("cost").GetDecimal());
    }

    [Theory]
    [InlineData("""{"tool":"echo","input":{"text":"\ud800"}}""", "REACH-1003")]
    [InlineData("""{"tool":"echo\udc00","input":{}}""", "REACH-1003")]
    [InlineData("""{"tool":"echo","input":{},"step":"\ud800"}""", "REACH-1003")]
    [InlineData("""{"tool":"echo","tool":"fs.write","input":{"path":"x","content":"y"}}""", "REACH-1002")]
    [InlineData("""{"tool":"echo","input":{"text":1e400}}""", "REACH-1004")]
    [InlineData("""{"tool":"proc.exec","input":{"command":"rm\u0000","args":["-rf","notes"]}}""", "REACH-2230")]
    [InlineData("""{"tool":"proc.exec","input":{"command":"rm","args":["-rf","notes\u0000/x"]}}""", "REACH-2230")]
    [InlineData("""{"tool":"fs.read","input":{"path":"notes/note.txt\u0000"}}""", "REACH-2230")]
    public async Task A_malformed_call_is_a_coded_400_that_records_nothing(string body, string code)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("files-and-processes");
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var refused = await PostRawAsync(runner, $"/v1/sessions/{id}/tool-calls", Encoding.UTF8.GetBytes(body));

        refused.ExpectProblem(HttpStatusCode.BadRequest, code);
        Assert.Equal(before, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task Decide_refuses_a_NUL_in_a_command_rather_than_permit_it()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("files-and-processes");

        var refused = await PostRawAsync(runner, $"/v1/sessions/{id}/decide", """{"tool":"proc.exec","input":{"command":"rm\u0000"}}"""u8.ToArray());

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-2230");
    }

    [Fact]
    public async Task A_body_that_is_not_UTF_8_is_refused_with_4001()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        byte[] body = [.. "{\"tool\":\"echo\",\"input\":{\"text\":\""u8, 0xC3, 0x28, .. "\"}}"u8];

        var refused = await PostRawAsync(runner, $"/v1/sessions/{id}/tool-calls", body);

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Contains("UTF-8", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_a_session_refuses_a_key_twice_and_a_lone_surrogate_in_its_inputs()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var pack = JsonSerializer.Serialize(RunnerFixture.Example("hello"));

        var twice = await PostRawAsync(runner, "/v1/sessions", Encoding.UTF8.GetBytes($$"""{"pack":{{pack}},"policy_mode":"warn","policy_mode":"enforce"}"""));
        var lone = await PostRawAsync(runner, "/v1/sessions", Encoding.UTF8.GetBytes($$$"""{"pack":{{{pack}}},"inputs":{"name":"\ud800"}}"""));

        twice.ExpectProblem(HttpStatusCode.BadRequest, "REACH-1002");
        lone.ExpectProblem(HttpStatusCode.BadRequest, "REACH-1003");
        var sessions = (await runner.GetAsync("/v1/sessions")).Expect(HttpStatusCode.OK).Json;
        Assert.Empty(sessions.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task A_pack_json_with_a_lone_surrogate_in_a_tool_name_is_refused_with_its_code()
    {
        using var temp = new TempDirectory();
        var pack = Directory.CreateDirectory(Path.Combine(temp.Path, "lone")).FullName;
        await File.WriteAllTextAsync(Path.Combine(pack, "pack.json"), """{ "name": "lone", "version": "1.0.0", "tools": [{ "name": "agent.\ud800" }], "steps": [] }""", TestContext.Current.CancellationToken);
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });

        var refused = await runner.SendPostAsync("/v1/sessions", new { pack = "lone" });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-1003");
    }

    [Fact]
    public async Task Proc_exec_with_an_empty_command_is_recorded_as_a_coded_tool_error()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("files-and-processes");

        var failed = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "proc.exec", input = new { command = "" } });

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("REACH-2228", failed.GetProperty("error").GetProperty("code").GetString());
        await runner.PostAsync($"/v1/sessions/{id}/close", new { });
        var transcript = await runner.Client.GetByteArrayAsync(new Uri($"/v1/sessions/{id}/transcript", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True(TranscriptVerifier.Verify(new MemoryStream(transcript)).Ok);
        Assert.Single(RunnerHttp.EventsOfType(transcript, "tool.error"));
    }

    private static async Task<Reply> PostRawAsync(RunnerFixture runner, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await runner.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        return new Reply($"POST {path}", response.StatusCode, new Dictionary<string, string>(), response.Content.Headers.ContentType?.MediaType, bytes);
    }
}
