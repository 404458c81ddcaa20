using System.Diagnostics;

namespace Reach.Cli.Tests;

public class PackInitCommandTests
{
    public static TheoryData<string> Templates => ["minimal", "files-and-processes", "policy-governed", "with-replay-tests"];

    [Theory]
    [MemberData(nameof(Templates))]
    public void Each_template_validates_runs_verifies_and_replays(string template)
    {
        using var reach = new ReachProcess();
        var dir = Path.Combine(reach.Home, "new-" + template);
        using var init = reach.Json("pack", "init", "my-" + template, "--template", template, "--dir", dir);
        Assert.True(init.RootElement.GetProperty("ok").GetBoolean());
        var pack = init.RootElement.GetProperty("pack_dir").GetString()!;

        using var validate = reach.Json("pack", "validate", pack);
        Assert.True(validate.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(0, validate.RootElement.GetProperty("warnings").GetArrayLength());

        using var run = reach.Json("run", pack);
        Assert.Equal("succeeded", run.RootElement.GetProperty("status").GetString());
        var transcript = run.RootElement.GetProperty("transcript").GetString()!;
        Assert.Equal(0, reach.Run("verify", transcript).ExitCode);
        var replay = reach.Run("replay", transcript);
        Assert.True(replay.ExitCode == 0, replay.Stdout + replay.Stderr);
    }

    [Fact]
    public void The_replay_test_script_passes_and_fails_once_the_pack_changes()
    {
        using var reach = new ReachProcess();
        var dir = Path.Combine(reach.Home, "regress");
        Assert.Equal(0, reach.Run("pack", "init", "regress", "--template", "with-replay-tests", "--dir", dir).ExitCode);
        var script = Path.Combine(dir, "tests", "replay.sh");
        Assert.Equal(0, Shell(reach, script).ExitCode);

        var manifest = Path.Combine(dir, "pack", "pack.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("Hello, {{name}}!", "Bye, {{name}}!", StringComparison.Ordinal));
        var changed = Shell(reach, script);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("REACH-1202", changed.Stderr + changed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_refuses_an_existing_directory_with_a_code()
    {
        using var reach = new ReachProcess();
        var dir = Path.Combine(reach.Home, "taken");
        Directory.CreateDirectory(dir);
        var result = reach.Run("pack", "init", "taken", "--dir", dir);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-5011", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Init_prints_the_files_and_the_next_command()
    {
        using var reach = new ReachProcess();
        var dir = Path.Combine(reach.Home, "hello-pack");
        var result = reach.Run("pack", "init", "hello-pack", "--dir", dir);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("✓ created hello-pack from the minimal template", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"next: reach pack validate {dir} && reach run {dir}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_template_exits_2_with_its_code()
    {
        using var reach = new ReachProcess();
        using var json = reach.Json("pack", "init", "x", "--template", "fancy", "--dir", Path.Combine(reach.Home, "x"));
        Assert.Equal("REACH-5010", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private static ReachProcess.Result Shell(ReachProcess reach, string script)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.Environment["REACH"] = Path.Combine(AppContext.BaseDirectory, "reach");
        start.Environment["REACH_HOME"] = reach.Home;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "replay.sh did not finish in 60 s");
        return new ReachProcess.Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
