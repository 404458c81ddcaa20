using Reach.Core.Transcripts;
using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary>
/// A child's budget is carved out of its parent's remaining budget: reserved at spawn, the unused part returned at
/// close, so a spawn tree never spends more than its root; the reservations and the child count outlive a restart.
/// </summary>
public class SpawnBudgetTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public async Task Eight_children_three_levels_deep_never_spend_more_than_the_roots_budget()
    {
        await using var runner = await RunnerFixture.StartAsync();

        // hello allows 10 tool calls; with a fresh ledger each, 8 children per session 3 levels deep would have 5,850.
        var root = await runner.OpenAsync("hello");
        var sessions = new List<string> { root };
        var level = new List<string> { root };
        var refusals = 0;
        for (var depth = 1; depth <= 3; depth++)
        {
            var next = new List<string>();
            foreach (var parent in level)
            {
                for (var i = 0; i < 8; i++)
                {
                    var child = await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { });
                    if (child.Status == HttpStatusCode.Created)
                    {
                        next.Add(child.Json.GetProperty("session_id").GetString()!);
                        continue;
                    }

                    child.ExpectProblem(HttpStatusCode.Forbidden, "REACH-4040");
                    refusals++;
                }
            }

            sessions.AddRange(next);
            level = next;
        }

        var permitted = 0;
        foreach (var session in sessions)
        {
            permitted += await CallUntilDeniedAsync(runner, session, 20);
        }

        Assert.Equal(10, permitted);
        Assert.True(refusals > 0);
    }

    [Fact]
    public async Task An_exhausted_parent_cannot_spawn_and_the_refusal_is_recorded()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");
        Assert.Equal(10, await CallUntilDeniedAsync(runner, parent, 20));

        var refused = await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { });

        refused.ExpectProblem(HttpStatusCode.Forbidden, "REACH-4040");
        var transcript = (await runner.GetAsync($"/v1/sessions/{parent}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        var spawn = Assert.Single(RunnerHttp.EventsOfType(transcript, "session.spawn"));
        Assert.Equal(refused.Json.GetProperty("seq").GetInt64(), spawn.GetProperty("seq").GetInt64());
        Assert.Equal(refused.Json.GetProperty("hash").GetString(), spawn.GetProperty("hash").GetString());
        Assert.Equal("deny", spawn.GetProperty("data").GetProperty("effect").GetString());
        Assert.Equal("REACH-4040", spawn.GetProperty("data").GetProperty("code").GetString());
        Assert.Single((await runner.GetAsync("/v1/sessions")).Json.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task A_child_asking_for_more_than_the_parent_has_left_is_refused()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");
        for (var i = 0; i < 8; i++)
        {
            (await runner.SendPostAsync($"/v1/sessions/{parent}/tool-calls", new { tool = "echo", input = new { i } })).Expect(HttpStatusCode.OK);
        }

        // max_tool_calls 3 is within the parent's limit (10) but not within what it has left (2).
        var refused = await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { budget = new { max_tool_calls = 3 } });

        refused.ExpectProblem(HttpStatusCode.Forbidden, "REACH-4040");
        Assert.Contains("max_tool_calls", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_childs_reservation_counts_as_used_by_the_parent_and_its_unused_part_returns_at_close()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var parent = await runner.OpenAsync("hello");
        var child = (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", new { budget = new { max_steps = 4, max_tool_calls = 4, max_cost = 2 } })).Expect(HttpStatusCode.Created).Json.GetProperty("session_id").GetString()!;
        (await runner.SendPostAsync($"/v1/sessions/{child}/tool-calls", new { tool = "echo", input = new { } })).Expect(HttpStatusCode.OK);

        // 10 - 4 reserved: the parent has 6 calls while the child is open.
        Assert.Equal(6, await CallUntilDeniedAsync(runner, parent, 20));
        (await runner.SendPostAsync($"/v1/sessions/{child}/close", new { })).Expect(HttpStatusCode.OK);

        // The child used 1 of its 4: 3 come back.
        Assert.Equal(3, await CallUntilDeniedAsync(runner, parent, 20));
        var transcript = (await runner.GetAsync($"/v1/sessions/{parent}/transcript")).Expect(HttpStatusCode.OK).Bytes;
        var spawn = Assert.Single(RunnerHttp.EventsOfType(transcript, "session.spawn")).GetProperty("data");
        Assert.Equal(4, spawn.GetProperty("reserved").GetProperty("tool_calls").GetInt64());
        Assert.Equal(2m, spawn.GetProperty("reserved").GetProperty("cost").GetDecimal());
        var returned = Assert.Single(RunnerHttp.EventsOfType(transcript, "session.return")).GetProperty("data");
        Assert.Equal(child, returned.GetProperty("child").GetString());
        Assert.Equal(3, returned.GetProperty("returned").GetProperty("tool_calls").GetInt64());
        Assert.Equal(3, returned.GetProperty("returned").GetProperty("steps").GetInt64());
        Assert.Equal(2m, returned.GetProperty("returned").GetProperty("cost").GetDecimal());
        Assert.Equal(1, returned.GetProperty("used").GetProperty("tool_calls").GetInt64());
    }

    [Fact]
    public async Task A_restart_keeps_the_parents_reservations_its_child_count_and_the_childs_own_budget()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        File.WriteAllText(Path.Combine(home, ReachConfig.FileName), """{"spawn_max_children":2}""");
        string parent;
        string first;
        string second;
        await using (var runner = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, NoEnvironment) }))
        {
            runner.KeepHome = true;
            parent = await runner.OpenAsync("hello");
            var small = new { tools = new[] { "echo" }, budget = new { max_steps = 3, max_tool_calls = 3, max_cost = 1 } };
            first = (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", small)).Expect(HttpStatusCode.Created).Json.GetProperty("session_id").GetString()!;
            second = (await runner.SendPostAsync($"/v1/sessions/{parent}/spawn", small)).Expect(HttpStatusCode.Created).Json.GetProperty("session_id").GetString()!;
        }

        await using var restarted = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, NoEnvironment) });

        // The child count holds: a third child is past spawn_max_children.
        (await restarted.SendPostAsync($"/v1/sessions/{parent}/spawn", new { budget = new { max_steps = 1, max_tool_calls = 1 } })).ExpectProblem(HttpStatusCode.Forbidden, "REACH-4012");

        // The child keeps its narrowed tools and budget, not the pack's.
        var write = (await restarted.SendPostAsync($"/v1/sessions/{first}/tool-calls", new { tool = "hash.sha256", input = new { text = "x" } })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("REACH-2201", write.GetProperty("decision").GetProperty("code").GetString());
        Assert.Equal(3, await CallUntilDeniedAsync(restarted, first, 20));

        // The reservations hold: 10 - 3 - 3 = 4 calls for the parent.
        Assert.Equal(4, await CallUntilDeniedAsync(restarted, parent, 20));

        // Closing after the restart still returns the unused part: the first used all 3, the second none.
        (await restarted.SendPostAsync($"/v1/sessions/{first}/close", new { })).Expect(HttpStatusCode.OK);
        Assert.Equal(0, await CallUntilDeniedAsync(restarted, parent, 20));
        (await restarted.SendPostAsync($"/v1/sessions/{second}/close", new { })).Expect(HttpStatusCode.OK);
        Assert.Equal(3, await CallUntilDeniedAsync(restarted, parent, 20));
        (await restarted.SendPostAsync($"/v1/sessions/{parent}/close", new { })).Expect(HttpStatusCode.OK);
        var report = TranscriptVerifier.Verify(new MemoryStream((await restarted.GetAsync($"/v1/sessions/{parent}/transcript")).Expect(HttpStatusCode.OK).Bytes));
        Assert.True(report.Ok, report.Failure?.Message);
    }

    // Calls echo until the budget gate denies a call (or max calls), and returns how many were permitted.
    private static async Task<int> CallUntilDeniedAsync(RunnerFixture runner, string session, int max)
    {
        for (var i = 0; i < max; i++)
        {
            var answer = (await runner.SendPostAsync($"/v1/sessions/{session}/tool-calls", new { tool = "echo", input = new { i } })).Expect(HttpStatusCode.OK).Json;
            if (!answer.GetProperty("decision").GetProperty("allowed").GetBoolean())
            {
                Assert.Equal("budget", answer.GetProperty("decision").GetProperty("gate").GetString());
                return i;
            }
        }

        return max;
    }
}
