namespace Reach.Cli.Tests;

/// <summary>
/// A transcript rewritten with every hash and the seal recomputed verifies on its own; what catches it is the
/// fingerprint REACH_HOME's run index recorded when the run finished, and where nothing binds it, verify says so.
/// </summary>
public sealed class TranscriptBindingTests
{
    [Fact]
    public void Verify_refuses_a_rewritten_transcript_whose_fingerprint_differs_from_the_run_index()
    {
        using var reach = new ReachProcess();
        var (transcript, recorded) = Run(reach);
        TranscriptForgery.Rewrite(transcript, TranscriptForgery.Backdate);

        var result = reach.Run("verify", transcript);
        using var json = reach.Json("verify", transcript);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("REACH-1205", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(recorded, result.Stderr, StringComparison.Ordinal);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.False(root.GetProperty("head_bound").GetBoolean());
        Assert.True(root.GetProperty("chain_intact").GetBoolean());
        var forged = root.GetProperty("fingerprint").GetString();
        Assert.NotEqual(recorded, forged);
        Assert.Equal(recorded, root.GetProperty("indexed_fingerprint").GetString());
        var error = root.GetProperty("error");
        Assert.Equal("REACH-1205", error.GetProperty("code").GetString());
        Assert.Equal(recorded, error.GetProperty("expected").GetString());
        Assert.Equal(forged, error.GetProperty("actual").GetString());
        Assert.Contains(forged!, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_refuses_a_rewritten_copy_outside_REACH_HOME_by_the_run_id_in_its_header()
    {
        using var reach = new ReachProcess();
        var (transcript, _) = Run(reach);
        var copy = Path.Combine(Path.GetTempPath(), $"reach-forged-{Guid.NewGuid():N}.jsonl");
        File.Copy(transcript, copy);
        try
        {
            TranscriptForgery.Rewrite(copy, TranscriptForgery.Backdate);

            var result = reach.Run("verify", copy);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("REACH-1205", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void Verify_of_a_rewritten_transcript_no_index_knows_passes_but_says_nothing_binds_its_fingerprint()
    {
        using var reach = new ReachProcess();
        using var elsewhere = new ReachProcess();
        var (transcript, _) = Run(reach);
        var copy = Path.Combine(elsewhere.Home, "copied.jsonl");
        File.Copy(transcript, copy);
        TranscriptForgery.Rewrite(copy, TranscriptForgery.Backdate);

        var result = elsewhere.Run("verify", copy);
        using var json = elsewhere.Json("verify", copy);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("nothing binds this fingerprint", result.Stdout, StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.False(json.RootElement.GetProperty("head_bound").GetBoolean());
        Assert.False(json.RootElement.TryGetProperty("indexed_fingerprint", out _));
    }

    [Fact]
    public void Verify_says_an_untouched_run_is_bound_to_the_fingerprint_REACH_HOME_recorded()
    {
        using var reach = new ReachProcess();
        var (transcript, recorded) = Run(reach);

        var result = reach.Run("verify", transcript);
        using var json = reach.Json("verify", transcript);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("nothing binds", result.Stdout, StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.True(json.RootElement.GetProperty("head_bound").GetBoolean());
        Assert.Equal(recorded, json.RootElement.GetProperty("indexed_fingerprint").GetString());
    }

    [Fact]
    public void Replay_refuses_a_rewritten_transcript_whose_fingerprint_differs_from_the_run_index()
    {
        using var reach = new ReachProcess();
        var (transcript, recorded) = Run(reach);
        TranscriptForgery.Rewrite(transcript, TranscriptForgery.Backdate);

        var result = reach.Run("replay", transcript);
        using var json = reach.Json("replay", transcript);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("REACH-1205", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(recorded, result.Stderr, StringComparison.Ordinal);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("REACH-1205", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Replay_of_a_rewritten_transcript_no_index_knows_is_identical_but_says_nothing_binds_it()
    {
        using var reach = new ReachProcess();
        using var elsewhere = new ReachProcess();
        var (transcript, _) = Run(reach);
        var copy = Path.Combine(elsewhere.Home, "copied.jsonl");
        File.Copy(transcript, copy);
        TranscriptForgery.Rewrite(copy, TranscriptForgery.Backdate);

        var result = elsewhere.Run("replay", copy, "--pack", ReachProcess.Example("hello"));
        using var json = elsewhere.Json("replay", copy, "--pack", ReachProcess.Example("hello"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("nothing binds this fingerprint", result.Stdout, StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.False(json.RootElement.GetProperty("head_bound").GetBoolean());
    }

    private static (string Transcript, string Fingerprint) Run(ReachProcess reach)
    {
        using var run = reach.Json("run", ReachProcess.Example("hello"));
        return (run.RootElement.GetProperty("transcript").GetString()!, run.RootElement.GetProperty("fingerprint").GetString()!);
    }
}
