namespace Reach.Cli.Tests;

/// <summary>What a newcomer meets first: typos, help, a manifest path for a pack directory, an existing --out, a bad flag value.</summary>
public class NewcomerCliTests
{
    [Fact]
    public void A_mistyped_command_gets_one_error_suggesting_the_nearest_command()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("rn", ReachProcess.Example("hello"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean `reach run`?", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistyped_subcommand_is_suggested_within_its_group()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("pack", "valdate", ReachProcess.Example("hello"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean `reach pack validate`?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Bare_reach_prints_the_help_and_exits_0()
    {
        using var reach = new ReachProcess();
        var result = reach.Run();
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("run", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Help_command_prints_the_help_of_reach_and_of_a_named_command()
    {
        using var reach = new ReachProcess();
        var root = reach.Run("help");
        Assert.Equal(0, root.ExitCode);
        Assert.Contains("Usage:", root.Stdout, StringComparison.Ordinal);

        var run = reach.Run("help", "run");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("reach run examples/packs/hello", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--fsync-interval", run.Stdout, StringComparison.Ordinal);

        var nested = reach.Run("help", "pack", "validate");
        Assert.Equal(0, nested.ExitCode);
        Assert.Contains("reach pack validate", nested.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_for_an_unknown_command_is_a_usage_error_with_a_suggestion()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("help", "verfy");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean `reach verify`?", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void Run_accepts_the_path_of_a_packs_manifest()
    {
        using var reach = new ReachProcess();
        using var run = reach.Json("run", Path.Combine(ReachProcess.Example("hello"), "pack.json"));
        Assert.True(run.RootElement.GetProperty("ok").GetBoolean(), run.RootElement.GetRawText());
        Assert.Equal("hello", run.RootElement.GetProperty("pack").GetString());
    }

    [Fact]
    public void Run_given_a_file_that_is_not_a_manifest_says_a_directory_is_expected()
    {
        using var reach = new ReachProcess();
        var file = Path.Combine(reach.Home, "notes.txt");
        File.WriteAllText(file, "not a pack");
        var result = reach.Run("run", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-2001", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("is a file", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_refuses_an_existing_out_file_before_starting_and_force_overwrites_it()
    {
        using var reach = new ReachProcess();
        var path = Path.Combine(reach.Home, "t.jsonl");
        File.WriteAllText(path, "keep me");

        var refused = reach.Run("run", ReachProcess.Example("hello"), "--out", path);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error[REACH-9011]", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("reach run", refused.Stdout, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.False(Directory.Exists(Path.Combine(reach.Home, "runs")) && Directory.GetFiles(Path.Combine(reach.Home, "runs")).Length > 0);

        using var forced = reach.Json("run", ReachProcess.Example("hello"), "--out", path, "--force");
        Assert.True(forced.RootElement.GetProperty("ok").GetBoolean(), forced.RootElement.GetRawText());
        using var verify = reach.Json("verify", path);
        Assert.True(verify.RootElement.GetProperty("ok").GetBoolean());
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("-1")]
    public void Run_refuses_a_negative_fsync_interval_as_the_config_file_does(string value)
    {
        using var reach = new ReachProcess();
        var result = reach.Run("run", ReachProcess.Example("hello"), "--fsync-interval", value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error[REACH-4103]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--fsync-interval", result.Stderr, StringComparison.Ordinal);
        Assert.True(!Directory.Exists(Path.Combine(reach.Home, "runs")) || Directory.GetFiles(Path.Combine(reach.Home, "runs")).Length == 0);
    }
}
