namespace Reach.Cli.Tests;

public class VerifyAndReplayCommandTests
{
    [Fact]
    public void Verify_reports_a_flipped_byte_with_line_seq_and_hashes()
    {
        using var reach = new ReachProcess();
        using var run = reach.Json("run", ReachProcess.Example("hello"));
        var transcript = run.RootElement.GetProperty("transcript").GetString()!;
        var lines = File.ReadAllLines(transcript);
        lines[5] = lines[5].Replace("\"effect\":\"pure\"", "\"effect\":\"purE\"", StringComparison.Ordinal);
        var tampered = Path.Combine(reach.Home, "tampered.jsonl");
        File.WriteAllText(tampered, string.Join('\n', lines) + "\n");

        var result = reach.Run("verify", tampered);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("REACH-1111", result.Stderr, StringComparison.Ordinal);
        using var json = reach.Json("verify", tampered);
        var error = json.RootElement.GetProperty("error");
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(6, error.GetProperty("line").GetInt32());
        Assert.Equal(4, error.GetProperty("seq").GetInt32());
        Assert.StartsWith("sha256:", error.GetProperty("expected").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(error.GetProperty("expected").GetString(), error.GetProperty("actual").GetString());
    }

    [Fact]
    public void Verify_of_a_file_that_is_not_a_transcript_exits_2()
    {
        using var reach = new ReachProcess();
        var path = Path.Combine(reach.Home, "notes.txt");
        File.WriteAllText(path, "hello\nworld\n");
        var result = reach.Run("verify", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-1101", result.Stderr, StringComparison.Ordinal);

        var unknown = Path.Combine(reach.Home, "v2.jsonl");
        File.WriteAllText(unknown, "{\"format\":2,\"type\":\"reach.transcript\"}\n");
        var v2 = reach.Run("verify", unknown);
        Assert.Equal(2, v2.ExitCode);
        Assert.Contains("REACH-1102", v2.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_names_the_first_divergent_event_after_the_pack_changed()
    {
        using var reach = new ReachProcess();
        var pack = Path.Combine(reach.Home, "hello-copy");
        Directory.CreateDirectory(pack);
        File.Copy(Path.Combine(ReachProcess.Example("hello"), "pack.json"), Path.Combine(pack, "pack.json"));
        using var run = reach.Json("run", pack);
        var transcript = run.RootElement.GetProperty("transcript").GetString()!;
        var manifest = File.ReadAllText(Path.Combine(pack, "pack.json"));
        File.WriteAllText(Path.Combine(pack, "pack.json"), manifest.Replace("Hello, {{name}}!", "Goodbye, {{name}}!", StringComparison.Ordinal));

        var result = reach.Run("replay", transcript);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("REACH-1202", result.Stderr, StringComparison.Ordinal);
        using var json = reach.Json("replay", transcript);
        var divergence = json.RootElement.GetProperty("divergence");
        Assert.Equal("changed_event", divergence.GetProperty("kind").GetString());
        Assert.Equal(1, divergence.GetProperty("seq").GetInt32());
        Assert.Contains("pack changed", divergence.GetProperty("likely_cause").GetString(), StringComparison.Ordinal);
        Assert.Contains("Goodbye", divergence.GetProperty("replayed").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_without_a_known_pack_asks_for_one()
    {
        using var reach = new ReachProcess();
        using var run = reach.Json("run", ReachProcess.Example("hello"));
        var transcript = run.RootElement.GetProperty("transcript").GetString()!;
        var copy = Path.Combine(Path.GetTempPath(), $"reach-orphan-{Guid.NewGuid():N}.jsonl");
        File.Copy(transcript, copy);
        File.Delete(Path.ChangeExtension(transcript, null) + ".run.json");
        try
        {
            var result = reach.Run("replay", copy);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("REACH-1203", result.Stderr, StringComparison.Ordinal);
            using var withPack = reach.Json("replay", copy, "--pack", ReachProcess.Example("hello"));
            Assert.True(withPack.RootElement.GetProperty("ok").GetBoolean());
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void Canonicalize_prints_the_rfc_8785_form_without_a_newline()
    {
        using var reach = new ReachProcess();
        var result = reach.RunWithInput("{\"b\": 1, \"a\": [1e21, -0, 0.1], \"\\u00e9\": \"\\u000f\"}", "canonicalize", "-");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"a\":[1e+21,0,0.1],\"b\":1,\"é\":\"\\u000f\"}", result.Stdout);

        var duplicate = reach.RunWithInput("{\"a\":1,\"a\":2}", "canonicalize");
        Assert.Equal(2, duplicate.ExitCode);
        Assert.Contains("REACH-1002", duplicate.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_and_doctor_answer_in_json()
    {
        using var reach = new ReachProcess();
        using var version = reach.Json("version");
        Assert.Equal("reach/1", version.RootElement.GetProperty("engine").GetString());
        Assert.Equal(1, version.RootElement.GetProperty("format").GetInt32());

        using var doctor = reach.Json("doctor");
        var checks = doctor.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Contains(checks, c => c.GetProperty("name").GetString() == "home" && c.GetProperty("ok").GetBoolean());
        Assert.All(checks.Where(c => !c.GetProperty("ok").GetBoolean()), c => Assert.False(string.IsNullOrEmpty(c.GetProperty("fix").GetString())));
    }
}
