namespace Reach.Cli.Tests;

/// <summary>No .NET internals in what a user reads: type names, reader positions, "depth".</summary>
public class PlainMessageTests
{
    [Theory]
    [InlineData("run examples/packs/hello --fsync-interval abc", "--fsync-interval", "abc", "a whole number")]
    [InlineData("runs --limit 1.5", "--limit", "1.5", "a whole number")]
    [InlineData("policy explain policies/ci-strict/policy.json --event x", "--event", "x", "a whole number")]
    [InlineData("mcp serve github --timeout soon", "--timeout", "soon", "a whole number")]
    public void A_bad_value_for_a_typed_option_names_the_option_and_the_expected_form(string line, string option, string value, string form)
    {
        using var reach = new ReachProcess();
        var result = reach.Run(line.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error[REACH-9003]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{option} expects {form}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("expected type", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Replaying_a_pack_manifest_says_it_is_not_a_transcript_in_plain_words()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("replay", Path.Combine(ReachProcess.Example("hello"), "pack.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error[REACH-1101]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("not a Reach transcript (JSON Lines", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Expected depth", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonicalize_of_truncated_json_says_where_it_ends_in_plain_words()
    {
        using var reach = new ReachProcess();
        var file = Path.Combine(reach.Home, "cut.json");
        File.WriteAllText(file, "{\"a\": [1, 2]");
        var result = reach.Run("canonicalize", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 1, column", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ends before", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Expected depth", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("isFinalBlock", result.Stderr, StringComparison.Ordinal);
    }
}
