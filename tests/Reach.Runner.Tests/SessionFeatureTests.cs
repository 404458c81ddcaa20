using Reach.Core.Transcripts;
using Reach.Policy.Compilation;

namespace Reach.Runner.Tests;

/// <summary>Sessions bound to a policy bundle, decide, tools the client runs, Idempotency-Key, and the sessions list.</summary>
public class SessionFeatureTests
{
    /// <summary>A pack declaring a tool Reach does not have: the agent runs it and sends its result.</summary>
    internal const string ClientToolPack = """
        {
          "name": "weather-desk",
          "version": "1.0.0",
          "tools": [
            { "name": "echo", "cost": 0 },
            { "name": "weather.lookup", "cost": 1 }
          ],
          "steps": [ { "id": "say", "tool": "echo", "input": { "hi": 1 } } ],
          "budgets": { "max_steps": 10, "max_tool_calls": 10 }
        }
        """;

    private const string NoWeatherBundle = """
        {
          "id": "no-weather",
          "version": "1.0.0",
          "rules": [
            { "id": "permit-echo", "effect": "permit", "match": { "tools": ["echo"] } },
            { "id": "forbid-weather", "effect": "forbid", "match": { "tools": ["weather.*"] }, "message": "No weather lookups here." }
          ]
        }
        """;

    private const string StrictSafeMode = "strict-safe-mode";

    [Fact]
    public async Task A_session_bound_to_a_bundle_is_denied_by_its_rule_and_its_header_carries_the_bundle_digest()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAtAsync("policy-tour", policy: StrictSafeMode);

        var echo = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { a = 1 } })).Expect(HttpStatusCode.OK).Json;
        var write = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "notes/a.txt", content = "x" } })).Expect(HttpStatusCode.OK).Json;

        Assert.True(echo.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.Contains("permit-pure", echo.GetProperty("decision").GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        var denial = write.GetProperty("decision");
        Assert.False(denial.GetProperty("allowed").GetBoolean());
        Assert.Equal("policy", denial.GetProperty("gate").GetString());
        Assert.Equal("REACH-3002", denial.GetProperty("code").GetString());
        Assert.Equal(["forbid-side-effects"], denial.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.False(File.Exists(Path.Combine(runner.Workspace(id), "notes", "a.txt")));

        Assert.Equal(StrictSafeMode, (await runner.DescribeAsync(id)).GetProperty("policy").GetString());
        (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { })).Expect(HttpStatusCode.OK);
        var transcript = (await runner.GetAsync($"/v1/sessions/{id}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));
        Assert.True(report.Ok, report.Failure?.Message);
        var header = RunnerHttp.Lines(transcript)[0];
        Assert.Equal(PolicyCompiler.LoadFile(Path.Combine(RunnerFixture.Policies, StrictSafeMode, "policy.json")).Digest.ToString(), header.GetProperty("policy_digest").GetString());
        var recorded = RunnerHttp.EventsOfType(transcript, "policy.decision").Select(e => e.GetProperty("data")).Last();
        Assert.Equal("deny", recorded.GetProperty("effect").GetString());
        Assert.Equal("REACH-3002", recorded.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Decide_answers_allowed_or_denied_and_records_nothing()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAtAsync("policy-tour", policy: StrictSafeMode);
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var allowed = (await runner.SendPostAsync($"/v1/sessions/{id}/decide", new { tool = "echo", input = new { a = 1 } })).Expect(HttpStatusCode.OK).Json.GetProperty("decision");
        var denied = (await runner.SendPostAsync($"/v1/sessions/{id}/decide", new { tool = "proc.exec", input = new { command = "ls" } })).Expect(HttpStatusCode.OK).Json.GetProperty("decision");
        var undeclared = (await runner.SendPostAsync($"/v1/sessions/{id}/decide", new { tool = "json.get", input = new { value = 1, pointer = "" } })).Expect(HttpStatusCode.OK).Json.GetProperty("decision");

        Assert.True(allowed.GetProperty("allowed").GetBoolean());
        Assert.Equal("permit", allowed.GetProperty("effect").GetString());
        Assert.False(denied.GetProperty("allowed").GetBoolean());
        Assert.Equal("REACH-3002", denied.GetProperty("code").GetString());
        Assert.Equal(["forbid-side-effects"], denied.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("REACH-2201", undeclared.GetProperty("code").GetString());
        Assert.Equal(before, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());

        // The same call proposed for real is recorded: the count that decide left alone moves.
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { a = 1 } })).Expect(HttpStatusCode.OK);
        Assert.True((await runner.DescribeAsync(id)).GetProperty("events").GetInt64() > before);
    }

    [Fact]
    public async Task Decide_does_not_spend_the_budget_it_reports_on()
    {
        using var temp = new TempDirectory();
        var pack = temp.WritePack(ClientToolPack.Replace("\"max_tool_calls\": 10", "\"max_tool_calls\": 1", StringComparison.Ordinal));
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });
        var id = await runner.OpenAtAsync(pack);

        for (var i = 0; i < 3; i++)
        {
            var asked = (await runner.SendPostAsync($"/v1/sessions/{id}/decide", new { tool = "echo", input = new { i } })).Expect(HttpStatusCode.OK).Json;
            Assert.True(asked.GetProperty("decision").GetProperty("allowed").GetBoolean());
        }

        var first = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { } })).Expect(HttpStatusCode.OK).Json;
        var after = (await runner.SendPostAsync($"/v1/sessions/{id}/decide", new { tool = "echo", input = new { } })).Expect(HttpStatusCode.OK).Json.GetProperty("decision");

        Assert.True(first.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.False(after.GetProperty("allowed").GetBoolean());
        Assert.Equal("budget", after.GetProperty("gate").GetString());
        Assert.Equal("REACH-2211", after.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_client_tool_call_without_its_result_is_refused_and_records_nothing()
    {
        using var temp = new TempDirectory();
        var pack = temp.WritePack(ClientToolPack);
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });
        var opened = (await runner.SendPostAsync("/v1/sessions", new { pack })).Expect(HttpStatusCode.Created).Json;
        var id = opened.GetProperty("session_id").GetString()!;
        Assert.Equal(["echo", "weather.lookup"], opened.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var refused = await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "weather.lookup", input = new { city = "Lisbon" } });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4010");
        Assert.Equal(before, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());
        var decided = (await runner.SendPostAsync($"/v1/sessions/{id}/decide", new { tool = "weather.lookup", input = new { city = "Lisbon" } })).Expect(HttpStatusCode.OK).Json;
        Assert.True(decided.GetProperty("decision").GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task A_client_tool_result_is_recorded_and_the_transcript_verifies()
    {
        using var temp = new TempDirectory();
        var pack = temp.WritePack(ClientToolPack);
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });
        var id = await runner.OpenAtAsync(pack);

        var ran = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "weather.lookup", input = new { city = "Lisbon" }, result = new { output = new { celsius = 21 } } })).Expect(HttpStatusCode.OK).Json;
        var failed = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "weather.lookup", input = new { city = "Oslo" }, result = new { error = new { message = "the service timed out" } } })).Expect(HttpStatusCode.OK).Json;

        Assert.True(ran.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.Equal("succeeded", ran.GetProperty("status").GetString());
        Assert.Equal(21, ran.GetProperty("output").GetProperty("celsius").GetInt32());
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("REACH-2220", failed.GetProperty("error").GetProperty("code").GetString());

        (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { })).Expect(HttpStatusCode.OK);
        var transcript = (await runner.GetAsync($"/v1/sessions/{id}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));
        Assert.True(report.Ok, report.Failure?.Message);
        var result = Assert.Single(RunnerHttp.EventsOfType(transcript, "tool.result")).GetProperty("data");
        Assert.Equal("recorded", result.GetProperty("effect").GetString());
        Assert.Equal(21, result.GetProperty("output").GetProperty("celsius").GetInt32());
        Assert.Single(RunnerHttp.EventsOfType(transcript, "tool.error"));
    }

    [Fact]
    public async Task A_denied_client_tool_call_without_a_result_is_answered_and_recorded()
    {
        using var temp = new TempDirectory();
        var pack = temp.WritePack(ClientToolPack);
        var bundle = JsonDocument.Parse(NoWeatherBundle).RootElement;
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });
        var plain = await runner.OpenAtAsync(pack);
        var governed = await runner.OpenAtAsync(pack, policy: bundle);
        var plainBefore = (await runner.DescribeAsync(plain)).GetProperty("events").GetInt64();
        var governedBefore = (await runner.DescribeAsync(governed)).GetProperty("events").GetInt64();

        // Undeclared: not a tool of the pack, so not the client's to run either.
        var undeclared = (await runner.SendPostAsync($"/v1/sessions/{plain}/tool-calls", new { tool = "stock.quote", input = new { symbol = "ACME" } })).Expect(HttpStatusCode.OK).Json;

        // Declared, but the session's bundle forbids it.
        var forbidden = (await runner.SendPostAsync($"/v1/sessions/{governed}/tool-calls", new { tool = "weather.lookup", input = new { city = "Lisbon" } })).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("REACH-2201", undeclared.GetProperty("decision").GetProperty("code").GetString());
        Assert.Equal("denied", undeclared.GetProperty("status").GetString());
        Assert.Equal("REACH-3002", forbidden.GetProperty("decision").GetProperty("code").GetString());
        Assert.Equal(["forbid-weather"], forbidden.GetProperty("decision").GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.True((await runner.DescribeAsync(plain)).GetProperty("events").GetInt64() > plainBefore);
        Assert.True((await runner.DescribeAsync(governed)).GetProperty("events").GetInt64() > governedBefore);
        var events = (await runner.GetAsync($"/v1/sessions/{governed}/events")).Expect(HttpStatusCode.OK).Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(forbidden.GetProperty("seq").GetInt64(), events[^1].GetProperty("seq").GetInt64());
        Assert.Equal("policy.decision", events[^1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_client_tool_call_the_budget_denies_is_answered_and_recorded_without_a_result()
    {
        using var temp = new TempDirectory();
        var pack = temp.WritePack(ClientToolPack.Replace("\"max_tool_calls\": 10", "\"max_tool_calls\": 1", StringComparison.Ordinal));
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });
        var id = await runner.OpenAtAsync(pack);
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "weather.lookup", input = new { city = "Lisbon" }, result = new { output = new { celsius = 21 } } })).Expect(HttpStatusCode.OK);
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var denied = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "weather.lookup", input = new { city = "Oslo" } })).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("budget", denied.GetProperty("decision").GetProperty("gate").GetString());
        Assert.Equal("REACH-2211", denied.GetProperty("decision").GetProperty("code").GetString());
        Assert.True((await runner.DescribeAsync(id)).GetProperty("events").GetInt64() > before);
    }

    [Fact]
    public async Task A_client_tool_result_for_a_forbidden_call_is_never_recorded()
    {
        using var temp = new TempDirectory();
        var pack = temp.WritePack(ClientToolPack);
        var bundle = JsonDocument.Parse(NoWeatherBundle).RootElement;
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });
        var id = await runner.OpenAtAsync(pack, policy: bundle);

        var denied = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "weather.lookup", input = new { city = "Lisbon" }, result = new { output = new { report = "SUPPLIED-BY-THE-CLIENT" } } })).Expect(HttpStatusCode.OK).Json;

        Assert.False(denied.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.Equal("denied", denied.GetProperty("status").GetString());
        Assert.False(denied.TryGetProperty("output", out _));
        var transcript = (await runner.GetAsync($"/v1/sessions/{id}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        Assert.Empty(RunnerHttp.EventsOfType(transcript, "tool.result"));
        Assert.DoesNotContain("SUPPLIED-BY-THE-CLIENT", System.Text.Encoding.UTF8.GetString(transcript), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_warn_mode_a_forbidden_call_runs_and_the_decision_records_that_it_would_have_been_denied()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = (await runner.SendPostAsync("/v1/sessions", new { pack = "policy-tour", policy = StrictSafeMode, policy_mode = "warn" })).Expect(HttpStatusCode.Created).Json.GetProperty("session_id").GetString()!;

        var write = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" } })).Expect(HttpStatusCode.OK).Json;

        Assert.True(write.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.Equal("succeeded", write.GetProperty("status").GetString());
        Assert.Equal("x", await File.ReadAllTextAsync(Path.Combine(runner.Workspace(id), "a.txt"), TestContext.Current.CancellationToken));
        var transcript = (await runner.GetAsync($"/v1/sessions/{id}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        var decision = RunnerHttp.EventsOfType(transcript, "policy.decision").Last().GetProperty("data");
        Assert.Equal("permit", decision.GetProperty("effect").GetString());
        Assert.Equal("warn", decision.GetProperty("mode").GetString());
        Assert.True(decision.GetProperty("would_deny").GetBoolean());
        Assert.Equal("REACH-3002", decision.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_malformed_policy_mode_or_a_missing_bundle_is_refused_before_anything_is_stored()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var badMode = await runner.SendPostAsync("/v1/sessions", new { pack = "hello", policy = StrictSafeMode, policy_mode = "audit" });
        var noBundle = await runner.SendPostAsync("/v1/sessions", new { pack = "hello", policy = "missing" });

        badMode.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Equal("policy_mode", badMode.Json.GetProperty("field").GetString());
        Assert.Equal("application/problem+json", noBundle.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, noBundle.Status);
        Assert.NotEqual("REACH-9070", noBundle.Code);
        Assert.Empty((await runner.GetAsync("/v1/sessions")).Json.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task Decide_without_a_tool_names_the_field()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");

        var refused = await runner.SendPostAsync($"/v1/sessions/{id}/decide", new { input = new { } });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Equal("tool", refused.Json.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Concurrent_retries_with_one_Idempotency_Key_record_the_call_once()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "retry-storm" };

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { n = 7 } }, headers: key)));

        Assert.All(replies, r => r.Expect(HttpStatusCode.OK));
        Assert.Single(replies.Select(r => Convert.ToHexString(r.Bytes)).Distinct());
        Assert.Equal(11, replies.Count(r => r.Header("Idempotent-Replayed") == "true"));
        Assert.Equal(before + 4, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("with space")]
    public async Task A_malformed_Idempotency_Key_names_the_header(string key)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var refused = await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo" }, headers: new Dictionary<string, string> { ["Idempotency-Key"] = System.Text.RegularExpressions.Regex.Unescape(key) });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Equal("Idempotency-Key", refused.Json.GetProperty("field").GetString());
        Assert.Equal(before, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task A_too_long_Idempotency_Key_names_the_header()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");

        var refused = await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo" }, headers: new Dictionary<string, string> { ["Idempotency-Key"] = new string('k', 201) });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Equal("Idempotency-Key", refused.Json.GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_same_Idempotency_Key_and_body_replays_the_first_answer_byte_for_byte_and_records_once()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "call-0001" };
        var body = new { tool = "echo", input = new { n = 1 } };
        var before = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var first = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", body, headers: key)).Expect(HttpStatusCode.OK);
        var afterFirst = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();
        var second = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", body, headers: key)).Expect(HttpStatusCode.OK);

        Assert.Equal(first.Bytes, second.Bytes);
        Assert.Null(first.Header("Idempotent-Replayed"));
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.True(afterFirst > before);
        Assert.Equal(afterFirst, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());

        // Another key is another call.
        var other = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", body, headers: new Dictionary<string, string> { ["Idempotency-Key"] = "call-0002" })).Expect(HttpStatusCode.OK);
        Assert.Null(other.Header("Idempotent-Replayed"));
        Assert.True(other.Json.GetProperty("seq").GetInt64() > first.Json.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task An_Idempotency_Key_belongs_to_its_session()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var first = await runner.OpenAsync("hello");
        var second = await runner.OpenAsync("hello");
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "shared-key" };

        var a = (await runner.SendPostAsync($"/v1/sessions/{first}/tool-calls", new { tool = "echo", input = new { n = 1 } }, headers: key)).Expect(HttpStatusCode.OK);
        var b = (await runner.SendPostAsync($"/v1/sessions/{second}/tool-calls", new { tool = "echo", input = new { n = 2 } }, headers: key)).Expect(HttpStatusCode.OK);

        Assert.Null(b.Header("Idempotent-Replayed"));
        Assert.Equal(2, b.Json.GetProperty("output").GetProperty("n").GetInt32());
        Assert.NotEqual(a.Json.GetProperty("hash").GetString(), b.Json.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task The_same_Idempotency_Key_with_another_body_is_a_conflict_and_records_nothing()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello");
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "call-0001" };
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { n = 1 } }, headers: key)).Expect(HttpStatusCode.OK);
        var count = (await runner.DescribeAsync(id)).GetProperty("events").GetInt64();

        var conflict = await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { n = 2 } }, headers: key);

        conflict.ExpectProblem(HttpStatusCode.UnprocessableEntity, "REACH-4011");
        Assert.Equal(count, (await runner.DescribeAsync(id)).GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task The_sessions_list_holds_only_the_tenants_sessions_in_pages_and_filters_by_status()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await runner.OpenAsync("hello", tenant: "acme"));
        }

        var foreign = await runner.OpenAsync("hello", tenant: "globex");
        var run = (await runner.SendPostAsync("/v1/runs", new { pack = "hello" }, tenant: "acme")).Expect(HttpStatusCode.Accepted).Json.GetProperty("run_id").GetString();
        (await runner.SendPostAsync($"/v1/sessions/{ids[1]}/close", new { }, tenant: "acme")).Expect(HttpStatusCode.OK);
        ids.Sort(StringComparer.Ordinal);

        var first = (await runner.GetAsync("/v1/sessions?limit=2", tenant: "acme")).Expect(HttpStatusCode.OK).Json;
        var next = first.GetProperty("next_after").GetString();
        var rest = (await runner.GetAsync($"/v1/sessions?limit=2&after={next}", tenant: "acme")).Expect(HttpStatusCode.OK).Json;
        var open = (await runner.GetAsync("/v1/sessions?status=open", tenant: "acme")).Expect(HttpStatusCode.OK).Json;
        var closed = (await runner.GetAsync("/v1/sessions?status=succeeded", tenant: "acme")).Expect(HttpStatusCode.OK).Json;

        var listed = first.GetProperty("sessions").EnumerateArray().Concat(rest.GetProperty("sessions").EnumerateArray()).Select(s => s.GetProperty("session_id").GetString()!).ToList();
        Assert.Equal(ids, listed);
        Assert.DoesNotContain(foreign, listed);
        Assert.DoesNotContain(run, listed);
        Assert.Equal(ids[1], next);
        Assert.False(rest.TryGetProperty("next_after", out var more) && more.ValueKind != JsonValueKind.Null);
        Assert.All(first.GetProperty("sessions").EnumerateArray(), s => Assert.Equal("acme", s.GetProperty("tenant").GetString()));
        var closedId = Assert.Single(closed.GetProperty("sessions").EnumerateArray()).GetProperty("session_id").GetString();
        Assert.Equal(2, open.GetProperty("sessions").GetArrayLength());
        Assert.DoesNotContain(closedId, open.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("session_id").GetString()));
        Assert.Equal(3, (await runner.GetAsync("/v1/sessions?pack=hello", tenant: "acme")).Json.GetProperty("sessions").GetArrayLength());
        Assert.Empty((await runner.GetAsync("/v1/sessions?pack=denied", tenant: "acme")).Json.GetProperty("sessions").EnumerateArray());
        var globex = (await runner.GetAsync("/v1/sessions", tenant: "globex")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal([foreign], globex.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("session_id").GetString()));
    }

    [Fact]
    public async Task The_last_page_of_sessions_says_next_after_null_as_the_event_pages_do()
    {
        await using var runner = await RunnerFixture.StartAsync();
        await runner.OpenAsync("hello");

        var page = (await runner.GetAsync("/v1/sessions")).Expect(HttpStatusCode.OK).Json;

        // docs/RUNNER.md and the OpenAPI example of listSessions: next_after is null on the last page.
        Assert.True(page.TryGetProperty("next_after", out var next), $"no next_after member: {page}");
        Assert.Equal(JsonValueKind.Null, next.ValueKind);
    }

    [Fact]
    public async Task A_session_is_described_with_its_pack_status_and_counts()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello", tenant: "acme");
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { } }, tenant: "acme")).Expect(HttpStatusCode.OK);

        var open = await runner.DescribeAsync(id, "acme");
        var closing = (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { }, tenant: "acme")).Expect(HttpStatusCode.OK).Json;
        var closed = await runner.DescribeAsync(id, "acme");

        Assert.Equal(id, open.GetProperty("session_id").GetString());
        Assert.Equal("acme", open.GetProperty("tenant").GetString());
        Assert.Equal("open", open.GetProperty("status").GetString());
        Assert.Equal("hello", open.GetProperty("pack").GetProperty("name").GetString());
        Assert.Equal("1.0.0", open.GetProperty("pack").GetProperty("version").GetString());
        Assert.StartsWith("sha256:", open.GetProperty("pack").GetProperty("digest").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, open.GetProperty("depth").GetInt32());
        Assert.Equal(5, open.GetProperty("events").GetInt64());
        Assert.False(open.TryGetProperty("fingerprint", out _));
        Assert.Equal("succeeded", closed.GetProperty("status").GetString());
        Assert.Equal(closing.GetProperty("fingerprint").GetString(), closed.GetProperty("fingerprint").GetString());
        Assert.Equal(closing.GetProperty("events").GetInt64(), closed.GetProperty("events").GetInt64());
        Assert.True(closed.TryGetProperty("closed", out _));
    }

    [Fact]
    public async Task The_open_answer_describes_the_session_as_GET_does()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var opened = (await runner.SendPostAsync("/v1/sessions", new { pack = "hello" })).Expect(HttpStatusCode.Created).Json;
        var described = await runner.DescribeAsync(opened.GetProperty("session_id").GetString()!);

        // The header and run.started are written before the open is answered; the answer and the stored row must agree.
        foreach (var member in new[] { "session_id", "tenant", "status", "pack", "depth", "created", "events" })
        {
            Assert.True(opened.GetProperty(member).GetRawText() == described.GetProperty(member).GetRawText(), $"{member}: open answered {opened.GetProperty(member).GetRawText()}, GET answers {described.GetProperty(member).GetRawText()}");
        }
    }

    [Fact]
    public async Task Another_tenant_gets_404_on_every_new_session_endpoint()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var id = await runner.OpenAsync("hello", tenant: "acme");
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "k1" };
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { } }, tenant: "acme", headers: key)).Expect(HttpStatusCode.OK);
        var count = (await runner.DescribeAsync(id, "acme")).GetProperty("events").GetInt64();

        (await runner.GetAsync($"/v1/sessions/{id}", tenant: "globex")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.SendPostAsync($"/v1/sessions/{id}/decide", new { tool = "echo" }, tenant: "globex")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.SendPostAsync($"/v1/sessions/{id}/spawn", new { tools = new[] { "echo" } }, tenant: "globex")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { } }, tenant: "globex", headers: key)).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.Client.SendAsync(HttpMethod.Get, $"/v1/sessions/{id}/events", tenant: "globex", headers: new Dictionary<string, string> { ["Accept"] = "text/event-stream" })).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.GetAsync($"/v1/sessions/{id}")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        Assert.Empty((await runner.GetAsync("/v1/sessions", tenant: "globex")).Expect(HttpStatusCode.OK).Json.GetProperty("sessions").EnumerateArray());

        var own = await runner.DescribeAsync(id, "acme");
        Assert.Equal(count, own.GetProperty("events").GetInt64());
        Assert.Equal("open", own.GetProperty("status").GetString());
        Assert.Equal(1, (await runner.SendPostAsync($"/v1/sessions/{id}/spawn", new { }, tenant: "acme")).Expect(HttpStatusCode.Created).Json.GetProperty("depth").GetInt32());
    }
}
