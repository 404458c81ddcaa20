using System.Diagnostics;
using System.Globalization;
using System.Text;
using Reach.Core.Transcripts;

namespace Reach.Runner.Tests;

/// <summary><c>/v1/runs</c>: start a pack run, read it, list it, stream its events, verify, replay and download it.</summary>
public class RunsApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_started_run_is_accepted_and_finishes_succeeded_with_a_fingerprint()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var started = (await runner.SendPostAsync("/v1/runs", new { pack = "hello", inputs = new { name = "Ada" } })).Expect(HttpStatusCode.Accepted).Json;
        var id = started.GetProperty("run_id").GetString()!;
        var run = await FinishedAsync(runner, id);

        Assert.Contains(started.GetProperty("status").GetString(), new[] { "running", "succeeded" });
        Assert.Equal("default", started.GetProperty("tenant").GetString());
        Assert.Equal("hello", started.GetProperty("pack").GetProperty("name").GetString());
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.StartsWith("sha256:", run.GetProperty("fingerprint").GetString(), StringComparison.Ordinal);
        Assert.True(run.TryGetProperty("finished", out _));
        var transcript = (await runner.GetAsync($"/v1/runs/{id}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));
        Assert.Equal(run.GetProperty("events").GetInt64(), report.Events);
        Assert.Contains("Hello, Ada!", Encoding.UTF8.GetString(transcript), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_are_listed_by_status_and_pack_in_pages()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var hello = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            hello.Add(await StartAsync(runner, "hello"));
        }

        var denied = await StartAsync(runner, "denied");
        var session = await runner.OpenAsync("hello");
        foreach (var id in hello.Append(denied))
        {
            await FinishedAsync(runner, id);
        }

        hello.Sort(StringComparer.Ordinal);
        var first = (await runner.GetAsync("/v1/runs?status=succeeded&pack=hello&limit=2")).Expect(HttpStatusCode.OK).Json;
        var rest = (await runner.GetAsync($"/v1/runs?status=succeeded&pack=hello&limit=2&after={first.GetProperty("next_after").GetString()}")).Expect(HttpStatusCode.OK).Json;
        var deniedOnly = (await runner.GetAsync("/v1/runs?status=denied")).Expect(HttpStatusCode.OK).Json;
        var all = (await runner.GetAsync("/v1/runs")).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(hello, first.GetProperty("runs").EnumerateArray().Concat(rest.GetProperty("runs").EnumerateArray()).Select(r => r.GetProperty("run_id").GetString()));
        Assert.False(rest.TryGetProperty("next_after", out var more) && more.ValueKind != JsonValueKind.Null);
        Assert.Equal([denied], deniedOnly.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run_id").GetString()));
        Assert.Equal(4, all.GetProperty("runs").GetArrayLength());
        Assert.DoesNotContain(session, all.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run_id").GetString()));
        var bad = await runner.GetAsync("/v1/runs?status=open");
        bad.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Equal("status", bad.Json.GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_last_page_of_runs_says_next_after_null_as_the_event_pages_do()
    {
        await using var runner = await RunnerFixture.StartAsync();
        await FinishedAsync(runner, await StartAsync(runner, "hello"));

        var page = (await runner.GetAsync("/v1/runs")).Expect(HttpStatusCode.OK).Json;

        // The OpenAPI example of listRuns: next_after is null on the last page.
        Assert.True(page.TryGetProperty("next_after", out var next), $"no next_after member: {page}");
        Assert.Equal(JsonValueKind.Null, next.ValueKind);
    }

    [Fact]
    public async Task A_runs_events_are_served_in_json_pages_as_the_transcript_holds_them()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await StartAsync(runner, "hello");
        var run = await FinishedAsync(runner, id);

        var first = (await runner.GetAsync($"/v1/runs/{id}/events?limit=3")).Expect(HttpStatusCode.OK).Json;
        var rest = (await runner.GetAsync($"/v1/runs/{id}/events?after={first.GetProperty("next_after").GetInt64()}&limit=1000")).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(id, first.GetProperty("run_id").GetString());
        Assert.Equal([0L, 1, 2], first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(2, first.GetProperty("next_after").GetInt64());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_after").ValueKind);
        var events = first.GetProperty("events").EnumerateArray().Concat(rest.GetProperty("events").EnumerateArray()).ToList();
        Assert.Equal(run.GetProperty("events").GetInt64(), events.Count);
        var transcript = Encoding.UTF8.GetString((await runner.GetAsync($"/v1/runs/{id}/transcript")).Bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(transcript[1..^1], events.Select(e => e.GetRawText()));
    }

    [Fact]
    public async Task The_event_stream_sends_every_event_with_consecutive_ids_then_end()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await StartAsync(runner, "hello");

        var frames = await ReadStreamAsync(runner, $"/v1/runs/{id}/events", lastEventId: null);

        var run = (await runner.GetAsync($"/v1/runs/{id}")).Expect(HttpStatusCode.OK).Json;
        var events = frames.Where(f => f.Event != "end").ToList();
        var end = Assert.Single(frames, f => f.Event == "end");
        Assert.Same(end, frames[^1]);
        Assert.Null(end.Id);
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), events.Select(f => f.Id));
        Assert.Equal(run.GetProperty("events").GetInt64(), events.Count);
        var transcript = Encoding.UTF8.GetString((await runner.GetAsync($"/v1/runs/{id}/transcript")).Bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < events.Count; i++)
        {
            var data = JsonDocument.Parse(events[i].Data).RootElement;
            Assert.Equal(i, data.GetProperty("seq").GetInt64());
            Assert.Equal(data.GetProperty("type").GetString(), events[i].Event);
            Assert.Equal(transcript[i + 1], events[i].Data);
        }

        var summary = JsonDocument.Parse(end.Data).RootElement;
        Assert.Equal("succeeded", summary.GetProperty("status").GetString());
        Assert.Equal(run.GetProperty("fingerprint").GetString(), summary.GetProperty("fingerprint").GetString());
        Assert.Equal(events.Count, summary.GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task The_event_stream_resumes_after_Last_Event_ID()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await StartAsync(runner, "hello");
        var all = (await ReadStreamAsync(runner, $"/v1/runs/{id}/events", lastEventId: null)).Where(f => f.Event != "end").ToList();

        var resumed = await ReadStreamAsync(runner, $"/v1/runs/{id}/events", lastEventId: "2");

        var events = resumed.Where(f => f.Event != "end").ToList();
        Assert.Equal("3", events[0].Id);
        Assert.Equal(all.Skip(3).Select(f => (f.Id, f.Data)), events.Select(f => (f.Id, f.Data)));
        Assert.Equal("end", resumed[^1].Event);
    }

    [Fact]
    public async Task A_malformed_Last_Event_ID_names_the_header()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await StartAsync(runner, "hello");

        var bad = await runner.Client.SendAsync(HttpMethod.Get, $"/v1/runs/{id}/events", headers: new Dictionary<string, string> { ["Accept"] = "text/event-stream", ["Last-Event-ID"] = "two" });

        bad.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Equal("Last-Event-ID", bad.Json.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_finished_run_verifies_and_replays_identically_and_its_transcript_checks_out_in_python()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await StartAsync(runner, "hello", new { name = "Ada" });
        var run = await FinishedAsync(runner, id);
        var fingerprint = run.GetProperty("fingerprint").GetString()!;

        var verified = (await runner.SendPostAsync($"/v1/runs/{id}/verify", new { })).Expect(HttpStatusCode.OK).Json;
        var replayed = (await runner.SendPostAsync($"/v1/runs/{id}/replay", new { })).Expect(HttpStatusCode.OK).Json;
        var download = await runner.GetAsync($"/v1/runs/{id}/transcript");

        Assert.True(verified.GetProperty("ok").GetBoolean());
        Assert.True(verified.GetProperty("sealed").GetBoolean());
        Assert.Equal(fingerprint, verified.GetProperty("fingerprint").GetString());
        Assert.Equal(run.GetProperty("events").GetInt64(), verified.GetProperty("events").GetInt64());
        Assert.True(replayed.GetProperty("ok").GetBoolean());
        Assert.True(replayed.GetProperty("identical").GetBoolean());
        Assert.Equal(fingerprint, replayed.GetProperty("recorded_fingerprint").GetString());
        Assert.Equal(fingerprint, replayed.GetProperty("fingerprint").GetString());
        Assert.False(replayed.TryGetProperty("divergence", out _));

        download.Expect(HttpStatusCode.OK);
        Assert.Equal("application/x-ndjson", download.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(runner.Home, "runs", id + ".jsonl"), Ct), download.Bytes);
        var report = TranscriptVerifier.Verify(new MemoryStream(download.Bytes));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.True(report.Sealed);
        Assert.Equal(fingerprint, report.Fingerprint.ToString());
        var path = Path.Combine(runner.Home, "download.jsonl");
        await File.WriteAllBytesAsync(path, download.Bytes, Ct);
        var python = Python.Verify(path);
        Assert.True(python.ExitCode == 0, python.Output);
        Assert.Contains(fingerprint, python.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_denied_pack_ends_denied_and_its_transcript_holds_the_denial()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await StartAsync(runner, "denied");

        var run = await FinishedAsync(runner, id);

        Assert.Equal("denied", run.GetProperty("status").GetString());
        var transcript = (await runner.GetAsync($"/v1/runs/{id}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        Assert.True(TranscriptVerifier.Verify(new MemoryStream(transcript)).Ok);
        var decision = RunnerHttp.EventsOfType(transcript, "policy.decision").Last().GetProperty("data");
        Assert.Equal("deny", decision.GetProperty("effect").GetString());
        Assert.Equal("REACH-2201", decision.GetProperty("code").GetString());
        var verified = (await runner.SendPostAsync($"/v1/runs/{id}/verify", new { })).Expect(HttpStatusCode.OK).Json;
        Assert.True(verified.GetProperty("ok").GetBoolean());
        Assert.Equal(run.GetProperty("fingerprint").GetString(), verified.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task A_run_bound_to_a_bundle_is_stopped_by_its_rule_and_replays_identically_with_it()
    {
        var bundle = Path.Combine(Repository.Root, "policies", "strict-safe-mode", "policy.json");
        await using var runner = await RunnerFixture.StartAsync();
        var id = (await runner.SendPostAsync("/v1/runs", new { pack = "policy-tour", policy = "strict-safe-mode" })).Expect(HttpStatusCode.Accepted).Json.GetProperty("run_id").GetString()!;

        var run = await FinishedAsync(runner, id);

        Assert.Equal("denied", run.GetProperty("status").GetString());
        Assert.Equal("strict-safe-mode", run.GetProperty("policy").GetString());
        var transcript = (await runner.GetAsync($"/v1/runs/{id}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        Assert.Equal(Reach.Policy.Compilation.PolicyCompiler.LoadFile(bundle).Digest.ToString(), RunnerHttp.Lines(transcript)[0].GetProperty("policy_digest").GetString());
        var denial = RunnerHttp.EventsOfType(transcript, "policy.decision").Last().GetProperty("data");
        Assert.Equal("REACH-3002", denial.GetProperty("code").GetString());
        Assert.Equal(["forbid-side-effects"], denial.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        var replayed = (await runner.SendPostAsync($"/v1/runs/{id}/replay", new { })).Expect(HttpStatusCode.OK).Json;
        Assert.True(replayed.GetProperty("identical").GetBoolean(), replayed.GetRawText());
    }

    [Fact]
    public async Task A_denied_run_replays_identically()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await StartAsync(runner, "denied");
        var run = await FinishedAsync(runner, id);

        var replayed = (await runner.SendPostAsync($"/v1/runs/{id}/replay", new { })).Expect(HttpStatusCode.OK).Json;

        Assert.True(replayed.GetProperty("identical").GetBoolean(), replayed.GetRawText());
        Assert.Equal(run.GetProperty("fingerprint").GetString(), replayed.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task A_sessions_event_stream_follows_its_calls_and_ends_when_it_is_closed()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { a = 1 } })).Expect(HttpStatusCode.OK);

        var reading = ReadStreamAsync(runner, $"/v1/sessions/{id}/events", lastEventId: "0");
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { a = 2 } })).Expect(HttpStatusCode.OK);
        var closed = (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { })).Expect(HttpStatusCode.OK).Json;
        var frames = await reading;

        var events = frames.Where(f => f.Event != "end").ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), events.Select(f => f.Id));
        Assert.Equal(closed.GetProperty("events").GetInt64() - 1, events.Count);
        Assert.Equal("run.finished", events[^1].Event);
        Assert.Equal(closed.GetProperty("fingerprint").GetString(), JsonDocument.Parse(frames[^1].Data).RootElement.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task A_run_does_not_exist_for_another_tenant_nor_on_the_sessions_endpoints()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await StartAsync(runner, "hello", tenant: "acme");
        await FinishedAsync(runner, id, "acme");
        var session = await runner.OpenAsync("hello", tenant: "acme");

        (await runner.GetAsync($"/v1/runs/{id}", tenant: "globex")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4009");
        (await runner.GetAsync($"/v1/runs/{id}/events", tenant: "globex")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4009");
        (await runner.Client.SendAsync(HttpMethod.Get, $"/v1/runs/{id}/events", tenant: "globex", headers: new Dictionary<string, string> { ["Accept"] = "text/event-stream" })).ExpectProblem(HttpStatusCode.NotFound, "REACH-4009");
        (await runner.GetAsync($"/v1/runs/{id}/transcript", tenant: "globex")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4009");
        (await runner.SendPostAsync($"/v1/runs/{id}/verify", new { }, tenant: "globex")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4009");
        (await runner.SendPostAsync($"/v1/runs/{id}/replay", new { }, tenant: "globex")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4009");
        Assert.Empty((await runner.GetAsync("/v1/runs", tenant: "globex")).Expect(HttpStatusCode.OK).Json.GetProperty("runs").EnumerateArray());

        // A run is not a session, even for its own tenant; a session is not a run.
        (await runner.GetAsync($"/v1/sessions/{id}", tenant: "acme")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.GetAsync($"/v1/sessions/{id}/transcript", tenant: "acme")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.GetAsync($"/v1/sessions/{id}/events", tenant: "acme")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo" }, tenant: "acme")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { }, tenant: "acme")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.SendPostAsync($"/v1/sessions/{id}/spawn", new { }, tenant: "acme")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.GetAsync($"/v1/runs/{session}", tenant: "acme")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4009");
        (await runner.GetAsync($"/v1/runs/{session}/transcript", tenant: "acme")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4009");
        Assert.Equal("succeeded", (await runner.GetAsync($"/v1/runs/{id}", tenant: "acme")).Expect(HttpStatusCode.OK).Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_run_of_a_pack_that_does_not_load_is_refused_before_anything_is_stored()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var refused = await runner.SendPostAsync("/v1/runs", new { pack = "nope" });
        var badInput = await runner.SendPostAsync("/v1/runs", new { pack = "hello", inputs = new { name = 3 } });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-2001");
        badInput.ExpectProblem(HttpStatusCode.BadRequest, "REACH-2103");
        Assert.Empty((await runner.GetAsync("/v1/runs")).Json.GetProperty("runs").EnumerateArray());
    }

    internal static async Task<string> StartAsync(RunnerFixture runner, string pack, object? inputs = null, string? tenant = null)
    {
        object body = inputs is null ? new { pack = pack } : new { pack = pack, inputs };
        return (await runner.SendPostAsync("/v1/runs", body, tenant)).Expect(HttpStatusCode.Accepted).Json.GetProperty("run_id").GetString()!;
    }

    internal static Task<JsonElement> FinishedAsync(RunnerFixture runner, string id, string? tenant = null) =>
        Eventually.UntilAsync<JsonElement>(
            async () =>
            {
                var run = (await runner.GetAsync($"/v1/runs/{id}", tenant)).Expect(HttpStatusCode.OK).Json;
                return run.GetProperty("status").GetString() == "running" ? null : run;
            },
            $"run {id} finishing");

    private static async Task<List<Frame>> ReadStreamAsync(RunnerFixture runner, string path, string? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Accept", "text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var response = await runner.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        var frames = new List<Frame>();
        string? id = null, type = null, data = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null || data is not null)
                {
                    frames.Add(new Frame(id, type ?? "message", data ?? string.Empty));
                    if (type == "end")
                    {
                        return frames;
                    }
                }

                (id, type, data) = (null, null, null);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Null(data);
                data = line[6..];
            }
            else
            {
                Assert.Fail($"An unexpected line in the event stream: {line}");
            }
        }

        Assert.Fail("The event stream ended without an end event.");
        return frames;
    }

    private sealed record Frame(string? Id, string Event, string Data);
}

/// <summary>The stdlib-only Python verifier, run on a transcript file.</summary>
internal static class Python
{
    public static (int ExitCode, string Output) Verify(string transcript)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "tools", "verify_transcript.py"));
        start.ArgumentList.Add(transcript);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 is needed to run tools/verify_transcript.py (.ci/run installs it).");
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
