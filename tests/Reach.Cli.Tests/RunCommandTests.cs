namespace Reach.Cli.Tests;

public class RunCommandTests
{
    [Theory]
    [InlineData("hello", 14)]
    [InlineData("files-and-processes", 18)]
    public void Example_pack_runs_verifies_and_replays(string example, int events)
    {
        using var reach = new ReachProcess();
        using var run = reach.Json("run", ReachProcess.Example(example));
        var root = run.RootElement;
        Assert.Equal("succeeded", root.GetProperty("status").GetString());
        Assert.Equal(events, root.GetProperty("events").GetInt32());
        var transcript = root.GetProperty("transcript").GetString()!;
        Assert.StartsWith(Path.Combine(reach.Home, "runs"), transcript, StringComparison.Ordinal);
        var fingerprint = root.GetProperty("fingerprint").GetString();

        using var verify = reach.Json("verify", transcript);
        Assert.True(verify.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(fingerprint, verify.RootElement.GetProperty("fingerprint").GetString());

        using var replay = reach.Json("replay", transcript);
        Assert.True(replay.RootElement.GetProperty("ok").GetBoolean(), replay.RootElement.ToString());
        Assert.Equal(fingerprint, replay.RootElement.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void Hello_greets_the_given_name()
    {
        using var reach = new ReachProcess();
        using var run = reach.Json("run", ReachProcess.Example("hello"), "--input", "{\"name\":\"Ada\"}");
        Assert.Equal("Hello, Ada!", run.RootElement.GetProperty("output").GetProperty("greeting").GetString());
    }

    [Fact]
    public void Denied_example_exits_1_with_the_rule_and_reason_and_a_verifiable_transcript()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("run", ReachProcess.Example("denied"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("REACH-2201", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("reach.declared-tool", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("not declared", result.Stdout, StringComparison.Ordinal);

        using var json = reach.Json("runs");
        var entry = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal("denied", entry.GetProperty("status").GetString());
        using var verify = reach.Json("verify", entry.GetProperty("transcript").GetString()!);
        Assert.True(verify.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public void Out_writes_the_transcript_where_asked()
    {
        using var reach = new ReachProcess();
        var path = Path.Combine(reach.Home, "elsewhere", "t.jsonl");
        using var run = reach.Json("run", ReachProcess.Example("hello"), "--out", path);
        Assert.Equal(path, run.RootElement.GetProperty("transcript").GetString());
        Assert.True(File.Exists(path));
    }

    [Theory]
    [InlineData("REACH-2001", "run", "no/such/pack")]
    [InlineData("REACH-2101", "run", "@hello", "--input", "[1,2]")]
    [InlineData("REACH-2101", "run", "@hello", "--input", "{not json")]
    [InlineData("REACH-2103", "run", "@hello", "--input", "{\"name\":42}")]
    [InlineData("REACH-2104", "run", "@hello", "--input", "{\"nom\":\"x\"}")]
    [InlineData("REACH-2105", "run", "@hello", "--input", "@/no/such/file.json")]
    [InlineData("REACH-1002", "run", "@hello", "--input", "{\"name\":\"a\",\"name\":\"b\"}")]
    [InlineData("REACH-1003", "run", "@hello", "--input", "{\"name\":\"\\ud800\"}")]
    [InlineData("REACH-9003", "run")]
    [InlineData("REACH-9003", "frobnicate")]
    public void Bad_input_exits_2_with_its_code_and_writes_no_transcript(string code, params string[] args)
    {
        using var reach = new ReachProcess();
        var resolved = args.Select(a => a == "@hello" ? ReachProcess.Example("hello") : a).ToArray();
        var result = reach.Run(resolved);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(code, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        var runs = Path.Combine(reach.Home, "runs");
        Assert.True(!Directory.Exists(runs) || Directory.GetFiles(runs).Length == 0);

        using var json = reach.Json(resolved);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Invalid_pack_json_reports_line_and_column()
    {
        using var reach = new ReachProcess();
        var pack = Directory.CreateDirectory(Path.Combine(reach.Home, "broken")).FullName;
        File.WriteAllText(Path.Combine(pack, "pack.json"), "{\n  \"name\": \"broken\",\n  \"version\": 1.0.0\n}");
        using var json = reach.Json("run", pack);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("REACH-2002", error.GetProperty("code").GetString());
        Assert.Equal(3, error.GetProperty("details").GetProperty("line").GetInt32());
        Assert.Contains("line 3", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_prints_nothing_on_success_and_help_shows_an_example()
    {
        using var reach = new ReachProcess();
        var quiet = reach.Run("run", ReachProcess.Example("hello"), "--quiet");
        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal(string.Empty, quiet.Stdout);

        var help = reach.Run("run", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Example:", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", help.Stdout, StringComparison.Ordinal);
    }
}
