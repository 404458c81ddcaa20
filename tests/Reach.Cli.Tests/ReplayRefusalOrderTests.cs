namespace Reach.Cli.Tests;

/// <summary>A transcript that can never replay says so first, before asking for a pack it would not use.</summary>
public class ReplayRefusalOrderTests
{
    [Fact]
    public void Replaying_a_redacted_transcript_from_another_home_says_it_can_never_replay()
    {
        using var reach = new ReachProcess();
        var path = Path.Combine(Repository.Root, "tests", "golden", "files-and-processes.redacted.v1.jsonl");
        var result = reach.Run("replay", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error[REACH-1201]", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("REACH-1203", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Replaying_a_torn_transcript_from_another_home_says_it_is_incomplete()
    {
        using var reach = new ReachProcess();
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "tests", "golden", "hello.v1.jsonl"));
        var torn = Path.Combine(reach.Home, "torn.jsonl");
        File.WriteAllLines(torn, lines[..^1]);
        using var json = reach.Json("replay", torn);
        Assert.Equal("REACH-1204", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
