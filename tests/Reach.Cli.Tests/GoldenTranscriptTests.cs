using Reach.Core.Transcripts;

namespace Reach.Cli.Tests;

public class GoldenTranscriptTests
{
    public static TheoryData<string> Goldens()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(Repository.Root, "tests", "golden"), "*.v1.jsonl").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Fact]
    public void The_golden_set_has_a_redacted_transcript_and_at_least_three_others()
    {
        var names = Goldens().Select(row => row.Data).ToList();
        Assert.Contains(names, n => n.Contains(".redacted.", StringComparison.Ordinal));
        Assert.True(names.Count(n => !n.Contains(".redacted.", StringComparison.Ordinal)) >= 3);
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Golden_transcript_verifies(string name)
    {
        var path = Path.Combine(Repository.Root, "tests", "golden", name);
        var report = TranscriptVerifier.VerifyFile(path);
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.True(report.Sealed);
        Assert.Equal(name.Contains(".redacted.", StringComparison.Ordinal), report.Redacted > 0);

        using var reach = new ReachProcess();
        using var json = reach.Json("verify", path);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(report.Fingerprint.ToString(), json.RootElement.GetProperty("fingerprint").GetString());
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Golden_transcript_replays_or_is_refused_when_redacted(string name)
    {
        var path = Path.Combine(Repository.Root, "tests", "golden", name);
        var pack = Path.Combine(Repository.Root, "tests", "golden", "packs", name.Split('.')[0]);
        using var reach = new ReachProcess();
        var result = reach.Run("replay", path, "--pack", pack, "--json");
        using var json = JsonDocument.Parse(result.Stdout);
        if (name.Contains(".redacted.", StringComparison.Ordinal))
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Equal("REACH-1201", json.RootElement.GetProperty("error").GetProperty("code").GetString());
            return;
        }

        Assert.Equal(0, result.ExitCode);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(json.RootElement.GetProperty("recorded_fingerprint").GetString(), json.RootElement.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void Redacted_golden_keeps_the_fingerprint_of_its_original()
    {
        var golden = Path.Combine(Repository.Root, "tests", "golden");
        var original = TranscriptVerifier.VerifyFile(Path.Combine(golden, "files-and-processes.v1.jsonl"));
        var redacted = TranscriptVerifier.VerifyFile(Path.Combine(golden, "files-and-processes.redacted.v1.jsonl"));
        Assert.Equal(original.Fingerprint, redacted.Fingerprint);
        Assert.Equal(2, redacted.Redacted);
    }
}
