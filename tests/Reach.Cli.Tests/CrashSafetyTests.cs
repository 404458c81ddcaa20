using System.Diagnostics;
using Reach.Core.Transcripts;

namespace Reach.Cli.Tests;

public class CrashSafetyTests
{
    private const int Steps = 4000;

    [Fact]
    public void A_run_killed_at_random_points_leaves_a_transcript_whose_whole_events_verify()
    {
        using var reach = new ReachProcess();
        var pack = WriteLongPack(reach.Home);

        // One complete run gives the transcript's full size; each killed run stops at a random fraction of it.
        using var full = reach.Json("run", pack, "--out", Path.Combine(reach.Home, "full.jsonl"));
        var fullSize = new FileInfo(Path.Combine(reach.Home, "full.jsonl")).Length;
        Assert.Equal(2 + (4 * Steps), full.RootElement.GetProperty("events").GetInt64());

        var random = new Random(20261125);
        var interrupted = 0;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var transcript = Path.Combine(reach.Home, $"killed-{attempt}.jsonl");
            var target = (long)(fullSize * (0.05 + (random.NextDouble() * 0.9)));
            using (var process = Process.Start(reach.StartInfo("run", pack, "--out", transcript, "--quiet"))!)
            {
                var watch = Stopwatch.StartNew();
                while (!process.HasExited && (!File.Exists(transcript) || new FileInfo(transcript).Length < target) && watch.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(1);
                }

                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.WaitForExit();
            }

            Assert.True(File.Exists(transcript), $"attempt {attempt}: no transcript was written before the kill at {target} bytes");
            var report = TranscriptVerifier.VerifyFile(transcript);
            Assert.True(report.ChainIntact, $"attempt {attempt}: {report.Failure?.Error.Code} {report.Failure?.Message}");
            if (!report.Ok)
            {
                interrupted++;
                Assert.True(report.Torn || report.Failure!.Error == Reach.Core.Errors.ErrorCatalog.TranscriptUnsealed);
                Assert.InRange(report.Events, 0, 2 + (4 * Steps));

                // The CLI agrees: a partial transcript fails plain verify but passes with --allow-partial.
                Assert.Equal(1, reach.Run("verify", transcript).ExitCode);
                Assert.Equal(0, reach.Run("verify", transcript, "--allow-partial").ExitCode);
            }
        }

        Assert.True(interrupted >= 5, $"only {interrupted} of 10 runs were killed mid-way; the test did not exercise crashes");
    }

    private static string WriteLongPack(string home)
    {
        var dir = Directory.CreateDirectory(Path.Combine(home, "long-pack")).FullName;
        using var stream = File.Create(Path.Combine(dir, "pack.json"));
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("name", "long");
        w.WriteString("version", "1.0.0");
        w.WriteString("description", "Many deterministic steps, for crash tests.");
        w.WriteStartArray("tools");
        w.WriteStartObject();
        w.WriteString("name", "echo");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("steps");
        for (var i = 0; i < Steps; i++)
        {
            w.WriteStartObject();
            w.WriteString("id", $"s{i}");
            w.WriteString("tool", "echo");
            w.WriteStartObject("input");
            w.WriteNumber("n", i);
            w.WriteString("text", "the quick brown fox jumps over the lazy dog");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        // reach run refuses a pack without budgets (PACK006), as pack validate does.
        w.WriteStartObject("budgets");
        w.WriteNumber("max_steps", Steps);
        w.WriteNumber("max_tool_calls", Steps);
        w.WriteNumber("max_cost", 0);
        w.WriteString("max_duration", "1h");
        w.WriteEndObject();
        w.WriteEndObject();
        return dir;
    }
}
