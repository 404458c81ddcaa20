using System.Diagnostics;
using Reach.Core.Transcripts;

namespace Reach.Runner.Tests;

public class SessionApiTests
{
    [Fact]
    public async Task Health_readiness_and_version_answer()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.OK, (await runner.Client.GetAsync(new Uri("/healthz", UriKind.Relative), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await runner.Client.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode);
        var version = JsonDocument.Parse(await runner.Client.GetStringAsync(new Uri("/v1/version", UriKind.Relative), ct)).RootElement;
        Assert.Equal(Reach.Core.EngineInfo.Engine, version.GetProperty("engine").GetString());
        Assert.Equal(Reach.Core.EngineInfo.FormatVersion, version.GetProperty("format").GetInt32());
        Assert.False(string.IsNullOrEmpty(version.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task A_session_records_allowed_and_denied_calls_and_its_transcript_verifies()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var id = await runner.OpenAsync("hello");

        var echo = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { hi = "there" }, step = "say" });
        Assert.True(echo.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.Equal("permit", echo.GetProperty("decision").GetProperty("effect").GetString());
        Assert.Equal("there", echo.GetProperty("output").GetProperty("hi").GetString());
        Assert.StartsWith("sha256:", echo.GetProperty("hash").GetString(), StringComparison.Ordinal);

        // An undeclared tool is an answer, not an error status.
        var denied = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "x", content = "y" } });
        var decision = denied.GetProperty("decision");
        Assert.False(decision.GetProperty("allowed").GetBoolean());
        Assert.Equal("REACH-2201", decision.GetProperty("code").GetString());
        Assert.Equal("policy", decision.GetProperty("gate").GetString());
        Assert.Contains("reach.declared-tool", decision.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.True(denied.GetProperty("seq").GetInt64() > echo.GetProperty("seq").GetInt64());
        Assert.False(File.Exists(Path.Combine(runner.Workspace(id), "x")));

        var closed = await runner.PostAsync($"/v1/sessions/{id}/close", new { });
        var fingerprint = closed.GetProperty("fingerprint").GetString();

        using var response = await runner.Client.GetAsync(new Uri($"/v1/sessions/{id}/transcript", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(runner.Home, "runs", id + ".jsonl"), ct), bytes);

        var report = TranscriptVerifier.Verify(new MemoryStream(bytes));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.True(report.Sealed);
        Assert.Equal(fingerprint, report.Fingerprint.ToString());
        Assert.Equal(closed.GetProperty("events").GetInt64(), report.Events);

        var path = Path.Combine(runner.Home, "download.jsonl");
        await File.WriteAllBytesAsync(path, bytes, ct);
        var python = RunPython(path);
        Assert.True(python.ExitCode == 0, python.Output);
        Assert.Contains(fingerprint!, python.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_supplied_result_is_recorded_instead_of_executing_the_tool()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var id = await runner.OpenAsync("files-and-processes");

        // The client ran the command itself; the runner gates the call and records what the client reports.
        var ran = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "proc.exec", input = new { command = "definitely-not-a-program" }, result = new { output = new { stdout = "42\n", exit_code = 0 } } });
        Assert.True(ran.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.Equal("succeeded", ran.GetProperty("status").GetString());
        Assert.Equal("42\n", ran.GetProperty("output").GetProperty("stdout").GetString());

        var failed = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" }, result = new { error = new { code = "CLIENT-DISK-FULL", message = "no space left" } } });
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("CLIENT-DISK-FULL", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.False(File.Exists(Path.Combine(runner.Workspace(id), "a.txt")));

        // Without a result, the runner executes the side-effecting built-in itself, in the session's workspace.
        var written = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "b.txt", content = "hello" } });
        Assert.Equal("succeeded", written.GetProperty("status").GetString());
        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(runner.Workspace(id), "b.txt"), ct));

        // A deterministic tool's result is the runner's to compute.
        var refused = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "json.get", input = new { value = 1, pointer = "" }, result = new { output = 2 } }, expected: HttpStatusCode.BadRequest);
        Assert.Equal("REACH-4004", refused.GetProperty("code").GetString());

        await runner.PostAsync($"/v1/sessions/{id}/close", new { });
        var transcript = await runner.Client.GetByteArrayAsync(new Uri($"/v1/sessions/{id}/transcript", UriKind.Relative), ct);
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));
        Assert.True(report.Ok, report.Failure?.Message);
        var text = System.Text.Encoding.UTF8.GetString(transcript);
        Assert.Contains("\"effect\":\"recorded\",\"output\":{\"exit_code\":0,\"stdout\":\"42\\n\"}", text, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"CLIENT-DISK-FULL\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_of_one_tenant_does_not_exist_for_another()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var id = await runner.OpenAsync("hello", tenant: "acme");

        var call = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { } }, tenant: "globex", expected: HttpStatusCode.NotFound);
        Assert.Equal("REACH-4002", call.GetProperty("code").GetString());
        await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { } }, expected: HttpStatusCode.NotFound);
        await runner.PostAsync($"/v1/sessions/{id}/close", new { }, tenant: "globex", expected: HttpStatusCode.NotFound);
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/sessions/{id}/transcript"))
        {
            request.Headers.Add("X-Tenant-ID", "globex");
            using var response = await runner.Client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // The owner is untouched by the other tenant's attempts.
        var own = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { a = 1 } }, tenant: "acme");
        Assert.True(own.GetProperty("decision").GetProperty("allowed").GetBoolean());
        await runner.PostAsync($"/v1/sessions/{id}/close", new { }, tenant: "acme");
    }

    [Fact]
    public async Task Errors_are_problem_details_with_the_catalogue_code()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var missingField = await runner.PostAsync("/v1/sessions", new { inputs = new { } }, expected: HttpStatusCode.BadRequest);
        Assert.Equal("REACH-4001", missingField.GetProperty("code").GetString());
        Assert.Equal("pack", missingField.GetProperty("field").GetString());
        Assert.Equal(400, missingField.GetProperty("status").GetInt32());

        var noPack = await runner.PostAsync("/v1/sessions", new { pack = "nope" }, expected: HttpStatusCode.BadRequest);
        Assert.Equal("REACH-2001", noPack.GetProperty("code").GetString());

        var badInput = await runner.PostAsync("/v1/sessions", new { pack = "hello", inputs = new { name = 3 } }, expected: HttpStatusCode.BadRequest);
        Assert.Equal("REACH-2103", badInput.GetProperty("code").GetString());

        var badTenant = await runner.PostAsync("/v1/sessions", new { pack = "hello" }, tenant: "no spaces", expected: HttpStatusCode.BadRequest);
        Assert.Equal("REACH-4005", badTenant.GetProperty("code").GetString());

        var id = await runner.OpenAsync("hello");
        var noTool = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { input = new { } }, expected: HttpStatusCode.BadRequest);
        Assert.Equal("tool", noTool.GetProperty("field").GetString());
        await runner.PostAsync($"/v1/sessions/{id}/close", new { });
        var closed = await runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { } }, expected: HttpStatusCode.Conflict);
        Assert.Equal("REACH-4003", closed.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_refused_input_leaves_the_transcript_whole_and_concurrent_calls_are_serialized()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var id = await runner.OpenAsync("hello");

        // Canonical JSON has no form for duplicate keys: the call is refused before any event is written.
        using (var content = new StringContent("{\"tool\":\"echo\",\"input\":{\"a\":1,\"a\":2}}", System.Text.Encoding.UTF8, "application/json"))
        using (var response = await runner.Client.PostAsync(new Uri($"/v1/sessions/{id}/tool-calls", UriKind.Relative), content, ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("REACH-1002", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        var calls = Enumerable.Range(0, 16).Select(i => runner.PostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { i } }));
        var answers = await Task.WhenAll(calls);
        Assert.Equal(16, answers.Select(a => a.GetProperty("seq").GetInt64()).Distinct().Count());

        // hello allows 10 steps: the budget gate denies the rest, each denial an answer.
        Assert.Equal(10, answers.Count(a => a.GetProperty("decision").GetProperty("allowed").GetBoolean()));
        Assert.All(answers.Where(a => !a.GetProperty("decision").GetProperty("allowed").GetBoolean()), a =>
        {
            Assert.Equal("budget", a.GetProperty("decision").GetProperty("gate").GetString());
            Assert.Equal("REACH-2210", a.GetProperty("decision").GetProperty("code").GetString());
        });

        var closed = await runner.PostAsync($"/v1/sessions/{id}/close", new { });
        var transcript = await runner.Client.GetByteArrayAsync(new Uri($"/v1/sessions/{id}/transcript", UriKind.Relative), ct);
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));
        Assert.True(report.Ok, report.Failure?.Message);

        // run.started, 10 calls of four events, 6 denials of three, run.finished; the indexes run 0..15 without a gap.
        Assert.Equal(1 + (10 * 4) + (6 * 3) + 1, closed.GetProperty("events").GetInt64());
        var indexes = System.Text.Encoding.UTF8.GetString(transcript).Split('\n')
            .Where(l => l.Contains("\"type\":\"step.started\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("data").GetProperty("index").GetInt64());
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), indexes);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8787", "REACH-4006")]
    [InlineData("http://192.168.1.10:8787", "REACH-4006")]
    [InlineData("http://*:8787", "REACH-4006")]
    [InlineData("http://127.0.0.1:8787;http://[::]:8787", "REACH-4006")]
    [InlineData("not a url", "REACH-4007")]
    public void A_non_loopback_address_is_refused(string urls, string code)
    {
        var error = Assert.Throws<Reach.Core.Errors.ReachException>(() => RunnerHost.CheckBind(urls, requireToken: false));
        Assert.Equal(code, error.Code);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8787")]
    [InlineData("http://localhost:0")]
    [InlineData("http://[::1]:8787")]
    public void Loopback_addresses_are_accepted(string urls) => Assert.Single(RunnerHost.CheckBind(urls, requireToken: false));

    private static (int ExitCode, string Output) RunPython(string transcript)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "tools", "verify_transcript.py"));
        start.ArgumentList.Add(transcript);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("verify_transcript.py did not finish in 60 s.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
