namespace Reach.Cli.Tests;

public class PackValidateCommandTests
{
    [Fact]
    public void Validate_of_an_example_exits_0_with_the_audit_as_data()
    {
        using var reach = new ReachProcess();
        using var json = reach.Json("pack", "validate", ReachProcess.Example("files-and-processes"));
        var root = json.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(0, root.GetProperty("errors").GetArrayLength());
        Assert.Equal("files-and-processes", root.GetProperty("pack").GetProperty("name").GetString());
        var audit = root.GetProperty("audit");
        Assert.Equal("high", audit.GetProperty("risk").GetString());
        Assert.Equal("runs_processes", audit.GetProperty("capabilities")[0].GetProperty("kind").GetString());
        Assert.Equal(10, audit.GetProperty("budgets").GetProperty("max_steps").GetInt32());
    }

    [Fact]
    public void Validate_prints_a_status_line_the_findings_the_audit_and_the_next_command()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("pack", "validate", ReachProcess.Example("denied"));
        Assert.Equal(1, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        Assert.StartsWith("✗ invalid (REACH-5001)  denied@1.0.0", lines[0], StringComparison.Ordinal);
        Assert.Contains("PACK004  pack.json:11:21 /steps/1/tool", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("fix: ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("overall risk none", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("next: fix the errors above", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_exits_0_with_warnings_only()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("pack", "validate", Path.Combine(Repository.Root, "tests", "golden", "packs", "hello"));
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("✓ valid", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("PACK014", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("next: reach run", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_manifest_gives_schema_errors_with_pointer_line_and_column_and_no_stack_trace()
    {
        using var reach = new ReachProcess();
        var pack = Path.Combine(reach.Home, "broken");
        Directory.CreateDirectory(pack);
        File.WriteAllText(Path.Combine(pack, "pack.json"), "{\n  \"name\": \"broken\",\n  \"version\": \"1.0.0\",\n  \"tools\": [ { \"name\": \"fs.write\", \"cost\": -1 } ],\n  \"steps\": {}\n}\n");
        using var json = reach.Json("pack", "validate", pack);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal("REACH-5001", root.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("audit").ValueKind);
        var errors = root.GetProperty("errors").EnumerateArray().ToList();
        var cost = Assert.Single(errors, e => e.GetProperty("pointer").GetString() == "/tools/0/cost");
        Assert.Equal("PACK000", cost.GetProperty("rule").GetString());
        Assert.Equal(4, cost.GetProperty("line").GetInt32());
        Assert.Equal(36, cost.GetProperty("column").GetInt32()); // the key "cost"
        Assert.Contains(errors, e => e.GetProperty("pointer").GetString() == "/steps");

        File.WriteAllText(Path.Combine(pack, "pack.json"), "{ \"name\": ");
        var result = reach.Run("pack", "validate", pack);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not valid JSON", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_pack_exits_2_with_its_code()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("pack", "validate", Path.Combine(reach.Home, "nothing-here"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-2001", result.Stderr, StringComparison.Ordinal);
        using var json = reach.Json("pack", "validate", Path.Combine(reach.Home, "nothing-here"));
        Assert.Equal("REACH-2001", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Quiet_prints_only_the_errors_on_stderr()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("pack", "validate", ReachProcess.Example("denied"), "--quiet");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error[PACK004] pack.json:11:21 /steps/1/tool", result.Stderr, StringComparison.Ordinal);
    }
}
