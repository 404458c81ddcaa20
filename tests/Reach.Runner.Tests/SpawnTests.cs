using Reach.Core.Transcripts;
using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary><c>POST /v1/sessions/{id}/spawn</c>: children narrow their parent; the depth and count limits and the flag that lifts them.</summary>
public class SpawnTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public async Task A_child_with_a_subset_of_the_tools_is_opened_one_level_down()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("policy-tour");

        var child = (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { tools = new[] { "echo", "fs.read" } })).Expect(HttpStatusCode.Created).Json;

        var childId = child.GetProperty("session_id").GetString()!;
        Assert.NotEqual(parent, childId);
        Assert.Equal(1, child.GetProperty("depth").GetInt32());
        Assert.Equal(parent, child.GetProperty("parent_id").GetString());
        Assert.Equal("open", child.GetProperty("status").GetString());
        Assert.Equal(["echo", "fs.read"], child.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        var stored = await runner.DescribeAsync(childId);
        Assert.Equal(parent, stored.GetProperty("parent_id").GetString());
        Assert.Equal(1, stored.GetProperty("depth").GetInt32());

        // The child is held to its narrowed tools; the parent keeps all of its own.
        var narrowed = (await runner.SendPostAsync($"/v1/sessions/{childId}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" } })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("REACH-2201", narrowed.GetProperty("decision").GetProperty("code").GetString());
        var echo = (await runner.SendPostAsync($"/v1/sessions/{childId}/tool-calls", new { tool = "echo", input = new { } })).Expect(HttpStatusCode.OK).Json;
        Assert.True(echo.GetProperty("decision").GetProperty("allowed").GetBoolean());
        var parentWrite = (await runner.SendPostAsync($"/v1/sessions/{parent}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" } })).Expect(HttpStatusCode.OK).Json;
        Assert.True(parentWrite.GetProperty("decision").GetProperty("allowed").GetBoolean());

        // The parent's transcript records the spawn, naming the child.
        var transcript = (await runner.GetAsync($"/v1/sessions/{parent}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        var spawn = Assert.Single(RunnerHttp.EventsOfType(transcript, "session.spawn")).GetProperty("data");
        Assert.Equal("permit", spawn.GetProperty("effect").GetString());
        Assert.Equal(childId, spawn.GetProperty("child").GetString());
        Assert.Equal(1, spawn.GetProperty("depth").GetInt32());
        Assert.Equal(["echo", "fs.read"], spawn.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task A_child_with_a_smaller_budget_is_held_to_it()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");

        var child = (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { budget = new { max_tool_calls = 1 } })).Expect(HttpStatusCode.Created).Json.GetProperty("session_id").GetString()!;
        var first = (await runner.SendPostAsync($"/v1/sessions/{child}/tool-calls", new { tool = "echo", input = new { } })).Expect(HttpStatusCode.OK).Json;
        var second = (await runner.SendPostAsync($"/v1/sessions/{child}/tool-calls", new { tool = "echo", input = new { } })).Expect(HttpStatusCode.OK).Json;

        Assert.True(first.GetProperty("decision").GetProperty("allowed").GetBoolean());
        Assert.Equal("budget", second.GetProperty("decision").GetProperty("gate").GetString());
        Assert.Equal("REACH-2211", second.GetProperty("decision").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_child_asking_for_a_tool_the_parent_lacks_is_refused()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");
        var before = (await runner.DescribeAsync(parent)).GetProperty("events").GetInt64();

        var refused = await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { tools = new[] { "echo", "fs.write" } });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4013");
        Assert.Equal("tools", refused.Json.GetProperty("field").GetString());
        Assert.Contains("fs.write", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await runner.DescribeAsync(parent)).GetProperty("events").GetInt64());
        Assert.Equal([parent], (await runner.GetAsync("/v1/sessions")).Json.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("session_id").GetString()));
    }

    [Fact]
    public async Task A_child_asking_for_a_larger_budget_than_the_parent_is_refused()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");

        // hello allows 10 tool calls.
        var refused = await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { budget = new { max_tool_calls = 11 } });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4013");
        Assert.Equal("budget.max_tool_calls", refused.Json.GetProperty("field").GetString());
        Assert.Single((await runner.GetAsync("/v1/sessions")).Json.GetProperty("sessions").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"budget":{"max_duration_ms":31000}}""", "budget.max_duration_ms")]
    [InlineData("""{"budget":{"max_cost":6}}""", "budget.max_cost")]
    [InlineData("""{"budget":{"max_steps":11}}""", "budget.max_steps")]
    public async Task Every_budget_a_child_asks_for_is_capped_by_the_parents(string body, string field)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");

        var refused = await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", body);

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4013");
        Assert.Equal(field, refused.Json.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("""{"tools":"echo"}""", "tools")]
    [InlineData("""{"tools":[1]}""", "tools")]
    [InlineData("""{"budget":{"max_tool_calls":-1}}""", "budget.max_tool_calls")]
    [InlineData("""{"budget":5}""", "budget")]
    public async Task A_malformed_spawn_names_the_field(string body, string field)
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");

        var refused = await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", body);

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Equal(field, refused.Json.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_grandchild_can_only_narrow_its_own_parent_not_the_root()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var root = await runner.OpenAsync("policy-tour");
        var child = (await runner.SendPostAsync($"/v1/sessions/{root}/spawn", new { tools = new[] { "echo" }, budget = new { max_tool_calls = 3 } })).Expect(HttpStatusCode.Created).Json.GetProperty("session_id").GetString()!;

        var wider = await runner.SendPostAsync($"/v1/sessions/{child}/spawn", new { tools = new[] { "echo", "fs.read" } });
        var richer = await runner.SendPostAsync($"/v1/sessions/{child}/spawn", new { budget = new { max_tool_calls = 4 } });
        var grandchild = (await runner.SendPostAsync($"/v1/sessions/{child}/spawn", new { })).Expect(HttpStatusCode.Created).Json;

        wider.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4013");
        richer.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4013");
        Assert.Equal(["echo"], grandchild.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, grandchild.GetProperty("depth").GetInt32());
        Assert.Equal(child, grandchild.GetProperty("parent_id").GetString());
    }

    [Fact]
    public async Task A_spawn_past_the_depth_limit_is_403_and_recorded_in_the_parents_transcript()
    {
        var home = HomeWithConfig("""{"spawn_max_depth":1}""");
        await using var runner = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, NoEnvironment) });
        var root = await runner.OpenAsync("hello");
        var child = (await runner.SendPostAsync($"/v1/sessions/{root}/spawn", new { tools = new[] { "echo" } })).Expect(HttpStatusCode.Created).Json.GetProperty("session_id").GetString()!;

        var refused = await runner.SendPostAsync($"/v1/sessions/{child}/spawn", new { tools = new[] { "echo" } });

        refused.ExpectProblem(HttpStatusCode.Forbidden, "REACH-4012");
        var seq = refused.Json.GetProperty("seq").GetInt64();
        (await runner.SendPostAsync($"/v1/sessions/{child}/close", new { })).Expect(HttpStatusCode.OK);
        var transcript = (await runner.GetAsync($"/v1/sessions/{child}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));
        Assert.True(report.Ok, report.Failure?.Message);
        var spawn = Assert.Single(RunnerHttp.EventsOfType(transcript, "session.spawn"));
        Assert.Equal(seq, spawn.GetProperty("seq").GetInt64());
        Assert.Equal(refused.Json.GetProperty("hash").GetString(), spawn.GetProperty("hash").GetString());
        var data = spawn.GetProperty("data");
        Assert.Equal("deny", data.GetProperty("effect").GetString());
        Assert.Equal("REACH-4012", data.GetProperty("code").GetString());
        Assert.Equal(2, data.GetProperty("depth").GetInt32());
        Assert.False(data.TryGetProperty("child", out var none) && none.ValueKind != JsonValueKind.Null);
        Assert.Equal(2, (await runner.GetAsync("/v1/sessions")).Json.GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task A_spawn_past_the_children_limit_is_403()
    {
        var home = HomeWithConfig("""{"spawn_max_children":2}""");
        await using var runner = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, NoEnvironment) });
        var parent = await runner.OpenAsync("hello");

        (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { })).Expect(HttpStatusCode.Created);
        (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { })).Expect(HttpStatusCode.Created);
        var third = await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { });

        third.ExpectProblem(HttpStatusCode.Forbidden, "REACH-4012");
        var transcript = (await runner.GetAsync($"/v1/sessions/{parent}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        Assert.Equal(["permit", "permit", "deny"], RunnerHttp.EventsOfType(transcript, "session.spawn").Select(e => e.GetProperty("data").GetProperty("effect").GetString()));
        Assert.Equal(3, (await runner.GetAsync("/v1/sessions")).Json.GetProperty("sessions").GetArrayLength());
    }

    [Theory]
    [InlineData("environment")]
    [InlineData("file")]
    public async Task Unlimited_spawns_lift_both_limits(string source)
    {
        var home = HomeWithConfig(source == "file"
            ? """{"spawn_max_depth":1,"spawn_max_children":1,"features":{"enable_unlimited_spawns":true}}"""
            : """{"spawn_max_depth":1,"spawn_max_children":1}""");
        var environment = source == "file" ? NoEnvironment : new Dictionary<string, string> { ["REACH_FEATURE_FLAGS"] = "enable_unlimited_spawns" };
        var config = ConfigLoader.Load(home, environment);
        Assert.True(config.IsEnabled(FeatureFlag.UnlimitedSpawns));
        await using var runner = await RunnerFixture.StartAsync(home, o => o with { Config = config });
        var root = await runner.OpenAsync("hello");

        var child = (await runner.SendPostAsync($"/v1/sessions/{root}/spawn", new { })).Expect(HttpStatusCode.Created).Json.GetProperty("session_id").GetString()!;
        (await runner.SendPostAsync($"/v1/sessions/{root}/spawn", new { })).Expect(HttpStatusCode.Created);
        var grandchild = (await runner.SendPostAsync($"/v1/sessions/{child}/spawn", new { })).Expect(HttpStatusCode.Created).Json;
        var greatGrandchild = (await runner.SendPostAsync($"/v1/sessions/{grandchild.GetProperty("session_id").GetString()}/spawn", new { })).Expect(HttpStatusCode.Created).Json;

        Assert.Equal(2, grandchild.GetProperty("depth").GetInt32());
        Assert.Equal(3, greatGrandchild.GetProperty("depth").GetInt32());
        var transcript = (await runner.GetAsync($"/v1/sessions/{root}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        Assert.All(RunnerHttp.EventsOfType(transcript, "session.spawn"), e => Assert.Equal("permit", e.GetProperty("data").GetProperty("effect").GetString()));
    }

    [Fact]
    public async Task A_child_of_a_session_bound_to_a_bundle_is_bound_to_the_same_bundle()
    {
        var bundle = Path.Combine(Repository.Root, "policies", "strict-safe-mode", "policy.json");
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAtAsync("policy-tour", policy: "strict-safe-mode");

        var child = (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { tools = new[] { "echo", "fs.write" } })).Expect(HttpStatusCode.Created).Json;
        var childId = child.GetProperty("session_id").GetString()!;
        var write = (await runner.SendPostAsync($"/v1/sessions/{childId}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" } })).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("strict-safe-mode", child.GetProperty("policy").GetString());
        Assert.Equal("strict-safe-mode", (await runner.DescribeAsync(childId)).GetProperty("policy").GetString());
        Assert.Equal("REACH-3002", write.GetProperty("decision").GetProperty("code").GetString());
        Assert.Equal(["forbid-side-effects"], write.GetProperty("decision").GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Concurrent_spawns_never_pass_the_children_limit()
    {
        var home = HomeWithConfig("""{"spawn_max_children":2}""");
        await using var runner = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, NoEnvironment) });
        var parent = await runner.OpenAsync("hello");

        var replies = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { })));

        Assert.Equal(2, replies.Count(r => r.Status == HttpStatusCode.Created));
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.Created), r => r.ExpectProblem(HttpStatusCode.Forbidden, "REACH-4012"));
        Assert.Equal(3, (await runner.GetAsync("/v1/sessions")).Json.GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task A_closed_parent_cannot_spawn()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");
        (await runner.SendPostAsync($"/v1/sessions/{parent}/close", new { })).Expect(HttpStatusCode.OK);

        (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { })).ExpectProblem(HttpStatusCode.Conflict, "REACH-4003");
    }

    private static string HomeWithConfig(string json)
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        File.WriteAllText(Path.Combine(home, ReachConfig.FileName), json);
        return home;
    }
}
