namespace Reach.Mcp.Tests;

/// <summary>
/// One session of the official TypeScript client, through <c>reach mcp proxy</c> over stdio, against the official
/// filesystem server, gated by examples/mcp's policy (read under the data directory, write nowhere) and a budget of 4
/// calls. Each test checks one thing that session did.
/// </summary>
public sealed class FilesystemGatewaySession : IDisposable
{
    public FilesystemGatewaySession()
    {
        Harness = new McpHarness();
        Harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, Harness.Data);
        Written = Path.Combine(Harness.Data, "written.txt");
        Run = Harness.Client("dotnet", McpHarness.ProxyArgs("fs", "--policy", Harness.ExamplePolicy(), "--budget", "max_tool_calls=4"),
            McpHarness.List(),
            McpHarness.Call("read_text_file", new JsonObject { ["path"] = Path.Combine(Harness.Data, "notes.txt") }),
            McpHarness.Call("write_file", new JsonObject { ["path"] = Written, ["content"] = "should never be written" }),
            McpHarness.Call("read_text_file", new JsonObject { ["path"] = "/etc/hostname" }),
            McpHarness.Call("read_text_file", new JsonObject { ["path"] = Path.Combine(Harness.Data, "..", "outside.txt") }),
            McpHarness.Call("list_allowed_directories"),
            McpHarness.Call("read_text_file", new JsonObject { ["path"] = Path.Combine(Harness.Data, "notes.txt") }),
            McpHarness.Call("read_text_file", new JsonObject { ["path"] = Path.Combine(Harness.Data, "notes.txt") }),
            McpHarness.Call("read_text_file", new JsonObject { ["path"] = Path.Combine(Harness.Data, "notes.txt") }));
        Transcript = Harness.Transcript();
    }

    internal McpHarness Harness { get; }

    internal ClientRun Run { get; }

    internal string Written { get; }

    internal string Transcript { get; }

    public void Dispose() => Harness.Dispose();
}

public sealed class FilesystemGatewayTests(FilesystemGatewaySession session) : IClassFixture<FilesystemGatewaySession>
{
    [Fact]
    public void Tools_list_through_the_gateway_shows_the_pinned_tools()
    {
        var tools = session.Run.Tools(0);
        Assert.Contains("read_text_file", tools);
        Assert.Contains("write_file", tools);
        Assert.Equal(14, tools.Count);
    }

    [Fact]
    public void A_permitted_read_returns_the_servers_result()
    {
        Assert.False(session.Run.IsError(1));
        Assert.Equal("hello from the notes\n", session.Run.Text(1));
    }

    [Fact]
    public void A_denied_write_is_an_error_result_for_the_model_and_the_file_is_not_created()
    {
        Assert.True(session.Run.IsError(2));
        Assert.StartsWith("REACH-3002", session.Run.Text(2), StringComparison.Ordinal);
        Assert.Contains("read-only", session.Run.Text(2), StringComparison.Ordinal);
        Assert.False(File.Exists(session.Written));
    }

    [Fact]
    public void A_path_outside_the_allowed_directory_is_denied_by_the_argument_condition()
    {
        Assert.True(session.Run.IsError(3));
        Assert.StartsWith("REACH-3001", session.Run.Text(3), StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_that_climbs_out_with_dot_dot_is_denied_although_it_starts_inside()
    {
        Assert.True(session.Run.IsError(4));
        Assert.StartsWith("REACH-3002", session.Run.Text(4), StringComparison.Ordinal);
        Assert.Contains("'..'", session.Run.Text(4), StringComparison.Ordinal);
    }

    [Fact]
    public void The_budget_refuses_the_call_past_max_tool_calls()
    {
        // Permitted so far: read, list_allowed_directories, read, read = 4; the fifth permitted call is refused.
        Assert.False(session.Run.IsError(7));
        Assert.True(session.Run.IsError(8));
        Assert.StartsWith("REACH-2211", session.Run.Text(8), StringComparison.Ordinal);
        Assert.Contains("max_tool_calls is 4", session.Run.Text(8), StringComparison.Ordinal);
    }

    [Fact]
    public void The_sessions_transcript_verifies_with_reach_and_with_the_python_verifier()
    {
        session.Harness.AssertVerifies(session.Transcript);
    }

    [Fact]
    public void The_transcript_records_each_decision_with_the_namespaced_tool_and_the_forwarded_result()
    {
        var events = McpHarness.Events(session.Transcript);
        var decisions = events.Where(e => e["type"]!.GetValue<string>() == "policy.decision").Select(e => e["data"]!).ToList();
        Assert.Equal(8, decisions.Count);
        Assert.Equal("fs/write_file", decisions[1]!["tool"]!.GetValue<string>());
        Assert.Equal("deny", decisions[1]!["effect"]!.GetValue<string>());
        Assert.Equal("forbid-writes", decisions[1]!["rules"]![0]!.GetValue<string>());
        var results = events.Where(e => e["type"]!.GetValue<string>() == "tool.result").ToList();
        Assert.Equal(4, results.Count);
        Assert.Equal("hello from the notes\n", results[0]["data"]!["output"]!["content"]![0]!["text"]!.GetValue<string>());
        var finished = events[^1]["data"]!;
        Assert.Equal("succeeded", finished["status"]!.GetValue<string>());
    }

    [Fact]
    public void Policy_explain_on_the_transcript_reaches_the_recorded_decisions_with_the_pinned_permissions()
    {
        var events = McpHarness.Events(session.Transcript);
        var decisions = events.Where(e => e["type"]!.GetValue<string>() == "policy.decision").ToList();
        foreach (var (decision, effect, rule) in new[] { (decisions[0], "permit", (string?)null), (decisions[1], "deny", "forbid-writes") })
        {
            var seq = decision["seq"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var explain = session.Harness.Reach("policy", "explain", session.Harness.ExamplePolicy(), "--transcript", session.Transcript, "--event", seq, "--json");
            McpHarness.Succeeds(explain);
            var explained = JsonNode.Parse(explain.Stdout)!["decision"]!;
            Assert.Equal(effect, explained["effect"]!.GetValue<string>());
            Assert.Equal(decision["data"]!["effect"]!.GetValue<string>(), explained["effect"]!.GetValue<string>());
            if (rule is not null)
            {
                // forbid-writes matches on the mcp:write permission, which only the pins can supply.
                Assert.Contains(rule, explained["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
            }
        }
    }

    [Fact]
    public void Replay_re_decides_every_recorded_call_with_the_same_policy_and_finds_no_difference()
    {
        var replay = session.Harness.Reach("replay", session.Transcript, "--json");
        McpHarness.Succeeds(replay);
        var report = JsonNode.Parse(replay.Stdout)!;
        Assert.True(report["ok"]!.GetValue<bool>());
        Assert.Equal(8, report["calls"]!.GetValue<int>());
    }

    [Fact]
    public void Replay_with_a_changed_policy_reports_the_first_decision_that_differs()
    {
        var changed = JsonNode.Parse(File.ReadAllText(session.Harness.ExamplePolicy()))!;
        changed["rules"]![0]!["when"]!["value"] = "/nowhere/**";
        var path = Path.Combine(session.Harness.Root, "changed-policy.json");
        File.WriteAllText(path, changed.ToJsonString());

        var replay = session.Harness.Reach("replay", session.Transcript, "--policy", path, "--json");

        Assert.Equal(1, replay.ExitCode);
        var divergence = JsonNode.Parse(replay.Stdout)!["divergence"]!;
        Assert.Equal("fs/read_text_file", divergence["tool"]!.GetValue<string>());
        Assert.Equal("permit", divergence["recorded"]!["effect"]!.GetValue<string>());
        Assert.Equal("REACH-3001", divergence["replayed"]!["code"]!.GetValue<string>());
        Assert.Contains("policy changed", divergence["likely_cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_runs_lists_the_gateway_session()
    {
        var runs = session.Harness.Reach("runs", "--json");
        McpHarness.Succeeds(runs);
        Assert.Contains("mcp/fs", runs.Stdout, StringComparison.Ordinal);
    }
}
