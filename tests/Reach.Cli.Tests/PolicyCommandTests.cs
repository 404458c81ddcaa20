namespace Reach.Cli.Tests;

public class PolicyCommandTests
{
    private static string Policy(string name) => Path.Combine(Repository.Root, "policies", name, "policy.json");

    [Theory]
    [InlineData("strict-safe-mode", "write", "forbid-side-effects", "REACH-3002", 1, null)]
    [InlineData("read-only-files", "write", "forbid-writes", "REACH-3002", 1, null)]
    [InlineData("no-network", "fetch", "forbid-network", "REACH-3002", 5, null)]
    [InlineData("budgeted", "write-again", "one-file-write", "REACH-3003", 3, null)]
    [InlineData("ci-strict", "write-again", "forbid-writes-outside-notes", "REACH-3002", 3, "args.path glob \"notes/**\"")]
    public void Each_example_policy_lets_permitted_calls_run_and_ends_the_run_at_a_forbidden_one(string policy, string step, string rule, string code, int ran, string? failed)
    {
        using var reach = new ReachProcess();
        using var run = reach.Json("run", ReachProcess.Example("policy-tour"), "--policy", Policy(policy));
        var root = run.RootElement;
        Assert.Equal("denied", root.GetProperty("status").GetString());
        var stopped = root.GetProperty("stopped");
        Assert.Equal(step, stopped.GetProperty("step").GetString());
        Assert.Equal(code, stopped.GetProperty("code").GetString());
        Assert.Equal(rule, stopped.GetProperty("rules")[0].GetString());
        var transcript = root.GetProperty("transcript").GetString()!;
        var lines = File.ReadAllLines(transcript);
        Assert.Equal(ran, lines.Count(l => l.Contains("\"type\":\"tool.result\"", StringComparison.Ordinal)));

        using var decisions = reach.Json("policy", "decisions", transcript);
        var denial = decisions.RootElement.GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("effect").GetString() == "deny");
        Assert.StartsWith("sha256:", decisions.RootElement.GetProperty("policy_digest").GetString(), StringComparison.Ordinal);

        using var explain = reach.Json("policy", "explain", Policy(policy), "--transcript", transcript, "--event", denial.GetProperty("seq").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var decision = explain.RootElement.GetProperty("decision");
        Assert.Equal("deny", decision.GetProperty("effect").GetString());
        Assert.Equal(rule, decision.GetProperty("rules")[0].GetString());
        Assert.True(explain.RootElement.GetProperty("recorded").GetProperty("same_bundle").GetBoolean());
        var deciding = explain.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("decisive").GetBoolean());
        Assert.Equal(rule, deciding.GetProperty("id").GetString());
        if (failed is not null)
        {
            Assert.Equal(failed, deciding.GetProperty("failed_condition").GetProperty("condition").GetString());
            Assert.Equal("\"out/b.txt\"", deciding.GetProperty("failed_condition").GetProperty("actual").GetString());
        }
    }

    [Fact]
    public void A_run_with_a_policy_records_its_digest_and_replays_with_it_and_a_changed_policy_diverges()
    {
        using var reach = new ReachProcess();
        using var run = reach.Json("run", ReachProcess.Example("hello"), "--policy", Policy("strict-safe-mode"));
        Assert.Equal("succeeded", run.RootElement.GetProperty("status").GetString());
        var transcript = run.RootElement.GetProperty("transcript").GetString()!;
        using var eval = reach.Json("policy", "decisions", transcript);
        using var lint = reach.Json("policy", "lint", Policy("strict-safe-mode"));
        Assert.Equal(3, eval.RootElement.GetProperty("decisions").GetArrayLength());
        Assert.Contains("\"mode\":\"enforce\"", File.ReadAllText(transcript), StringComparison.Ordinal);

        using var same = reach.Json("replay", transcript);
        Assert.True(same.RootElement.GetProperty("ok").GetBoolean(), same.RootElement.ToString());

        using var changed = reach.Json("replay", transcript, "--policy", Policy("read-only-files"));
        Assert.False(changed.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains("The policy changed since the run", changed.RootElement.GetProperty("divergence").GetProperty("likely_cause").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Warn_mode_permits_what_the_policy_would_deny_and_records_it()
    {
        using var reach = new ReachProcess();
        using var run = reach.Json("run", ReachProcess.Example("files-and-processes"), "--policy", Policy("read-only-files"), "--policy-mode", "warn");
        Assert.Equal("succeeded", run.RootElement.GetProperty("status").GetString());

        using var decisions = reach.Json("policy", "decisions", run.RootElement.GetProperty("transcript").GetString()!);
        var waived = decisions.RootElement.GetProperty("decisions").EnumerateArray().Where(d => d.GetProperty("would_deny").GetBoolean()).ToList();
        Assert.Equal(["write", "count"], waived.Select(d => d.GetProperty("step").GetString()));
        Assert.All(waived, d => Assert.Equal("warn", d.GetProperty("mode").GetString()));
    }

    [Fact]
    public void An_unknown_policy_mode_is_bad_input()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("run", ReachProcess.Example("hello"), "--policy", Policy("strict-safe-mode"), "--policy-mode", "audit");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-3110", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_bundle_stops_the_run_before_anything_is_written_with_the_pointer()
    {
        using var reach = new ReachProcess();
        var bundle = Path.Combine(reach.Home, "bad.json");
        File.WriteAllText(bundle, """{"id":"b","version":"1","rules":[{"id":"r","effect":"permit","when":{"field":"args.x","op":"matches","value":"y"}}]}""");

        using var run = reach.Json("run", ReachProcess.Example("hello"), "--policy", bundle);

        var error = run.RootElement.GetProperty("error");
        Assert.Equal("REACH-3104", error.GetProperty("code").GetString());
        Assert.Equal("/rules/0/when/op", error.GetProperty("details").GetProperty("pointer").GetString());
        Assert.False(Directory.Exists(Path.Combine(reach.Home, "runs")) && Directory.EnumerateFiles(Path.Combine(reach.Home, "runs")).Any());
    }

    [Fact]
    public void Eval_prints_one_decision_and_exits_0_even_for_a_denial()
    {
        using var reach = new ReachProcess();
        var call = Path.Combine(reach.Home, "call.json");
        File.WriteAllText(call, """{"tool":"http.get","args":{"url":"https://example.com/"}}""");

        var result = reach.Run("policy", "eval", Policy("no-network"), "--call", call, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("deny", json.RootElement.GetProperty("decision").GetProperty("effect").GetString());
        Assert.Equal("forbid-network", json.RootElement.GetProperty("decision").GetProperty("rules")[0].GetString());
    }

    [Fact]
    public void Lint_finds_a_planted_shadowed_rule_and_an_over_broad_permit_and_exits_1()
    {
        using var reach = new ReachProcess();
        var bundle = Path.Combine(reach.Home, "planted.json");
        File.WriteAllText(bundle, """{"id":"planted","version":"1","rules":[{"id":"anything","effect":"permit"},{"id":"notes","effect":"permit","match":{"tools":["fs.write"]}},{"id":"no-writes","effect":"forbid","match":{"permissions":["fs:*"]}}]}""");

        var result = reach.Run("policy", "lint", bundle, "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("check").GetString(), f.GetProperty("rule").GetString())).ToList();
        Assert.Contains(("over-broad-permit", "anything"), findings);
        Assert.Contains(("shadowed-permit", "notes"), findings);
    }

    [Fact]
    public void Policy_test_reports_full_coverage_for_the_examples_and_writes_junit()
    {
        using var reach = new ReachProcess();
        var junit = Path.Combine(reach.Home, "junit.xml");
        var result = reach.Run("policy", "test", Path.Combine(Repository.Root, "policies"), "--coverage", "--junit", junit);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches("^[0-9]+ passed, 0 failed$", result.Stdout.Trim().Split('\n')[^1]);
        Assert.Equal(5, result.Stdout.Split("coverage: rules").Length - 1);
        Assert.DoesNotContain("uncovered rule", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("<testsuites", File.ReadAllText(junit), StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_test_exits_1_on_a_failed_case_and_lists_the_uncovered_rule()
    {
        using var reach = new ReachProcess();
        var dir = Path.Combine(reach.Home, "suite");
        Directory.CreateDirectory(Path.Combine(dir, "tests"));
        File.WriteAllText(Path.Combine(dir, "policy.json"), """{"id":"s","version":"1","rules":[{"id":"echo","effect":"permit","match":{"tools":["echo"]}},{"id":"unused","effect":"forbid","match":{"tools":["rm"]}}]}""");
        File.WriteAllText(Path.Combine(dir, "tests", "cases.json"), """{"cases":[{"name":"wrong","call":{"tool":"echo"},"expect":"deny"}]}""");

        var result = reach.Run("policy", "test", dir, "--coverage", "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(1, json.RootElement.GetProperty("failed").GetInt32());
        var coverage = json.RootElement.GetProperty("suites")[0].GetProperty("coverage");
        Assert.Equal("unused", coverage.GetProperty("uncovered_rules")[0].GetString());
        Assert.Equal(50, coverage.GetProperty("rule_percent").GetDouble());
    }
}
