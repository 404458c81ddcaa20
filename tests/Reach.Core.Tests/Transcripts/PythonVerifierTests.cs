using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Transcripts;

/// <summary>
/// Differential tests: tools/verify_transcript.py, written from docs/EVENT_MODEL.md with the Python standard library
/// only, must reach the same verdict as <see cref="TranscriptVerifier"/> (ok or not, events, redacted, fingerprint)
/// on what the engine writes, on redacted copies, on the golden files and on damaged copies.
/// </summary>
public sealed class PythonVerifierTests : IDisposable
{
    private static readonly string[] ExamplePacks = ["hello", "files-and-processes", "denied"];

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("reach-python-verifier-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public void Python_accepts_the_transcript_of_every_example_pack()
    {
        foreach (var pack in ExamplePacks)
        {
            var python = AssertAgree(RunExample(pack), pack);

            Assert.True(python.Ok, $"{pack}: {python.Error}");
            Assert.Equal(0, python.ExitCode);
        }
    }

    [Fact]
    public void Python_prints_one_OK_line_with_the_counts_and_fingerprint()
    {
        var transcript = RunExample("hello");
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));

        var (exitCode, stdout) = RunPython(Save(transcript, "hello.jsonl"));

        Assert.Equal(0, exitCode);
        Assert.Equal($"OK {report.Events} events (0 redacted) fingerprint {report.Fingerprint}\n", stdout);
    }

    [Fact]
    public void Python_accepts_redacted_events_and_counts_them()
    {
        foreach (var pack in ExamplePacks)
        {
            var transcript = RunExample(pack);
            var events = TranscriptVerifier.Verify(new MemoryStream(transcript)).Events;

            var python = AssertAgree(TranscriptRedaction.Redact(transcript, [0, 2, events - 1]), pack);

            Assert.True(python.Ok, $"{pack}: {python.Error}");
            Assert.Equal(3, python.Redacted);
        }
    }

    [Fact]
    public void Python_verifies_the_worked_example_of_the_event_model()
    {
        var python = AssertAgree(EventModelExampleTests.WriteWorkedExample(), "worked example");

        Assert.True(python.Ok, python.Error);
        Assert.Equal(4, python.Events);
    }

    [Fact]
    public void Python_agrees_on_every_golden_transcript()
    {
        var golden = Path.Combine(Repository.Root, "tests", "golden");
        var files = Directory.Exists(golden) ? Directory.GetFiles(golden, "*.jsonl", SearchOption.TopDirectoryOnly) : [];

        foreach (var file in files)
        {
            AssertAgree(File.ReadAllBytes(file), Path.GetFileName(file));
        }
    }

    [Fact]
    public void Python_rejects_a_byte_flipped_in_event_data()
    {
        var transcript = RunExample("hello");
        var at = IndexOf(transcript, "\"output\":\"Hello, "u8) + 10;
        transcript[at] ^= 0x20;

        var python = AssertAgree(transcript, "flipped byte");

        Assert.False(python.Ok);
        Assert.Equal("data_digest", python.ErrorCode);
        Assert.Equal(1, python.ExitCode);
    }

    [Fact]
    public void Python_rejects_a_transcript_with_an_event_dropped()
    {
        var lines = SplitLines(RunExample("hello"));
        lines.RemoveAt(3);

        var python = AssertAgree(Join(lines), "dropped event");

        Assert.False(python.Ok);
        Assert.Equal(2, python.Events);
        Assert.Equal("seq", python.ErrorCode);
    }

    [Fact]
    public void Python_rejects_an_equivalent_respelling_of_a_character()
    {
        var transcript = RunExample("hello");
        var at = IndexOf(transcript, "\"tool\":\"text.template\""u8) + 8;
        var respelled = Join([transcript[..at], "\\u0074"u8.ToArray(), transcript[(at + 1)..]]);

        var python = AssertAgree(respelled, "re-spelled character");

        Assert.False(python.Ok);
        Assert.Equal("not_canonical", python.ErrorCode);
    }

    [Fact]
    public void Python_rejects_a_seal_whose_fingerprint_was_changed()
    {
        var lines = SplitLines(RunExample("denied"));
        var seal = Encoding.UTF8.GetString(lines[^1]);
        var at = seal.IndexOf("\"fingerprint\":\"sha256:", StringComparison.Ordinal) + 22;
        lines[^1] = Encoding.UTF8.GetBytes(seal[..at] + (seal[at] == '0' ? '1' : '0') + seal[(at + 1)..]);

        var python = AssertAgree(Join(lines), "changed seal");

        Assert.False(python.Ok);
        Assert.Equal("seal", python.ErrorCode);
    }

    [Fact]
    public void Python_reports_a_torn_last_line_with_the_whole_events_before_it()
    {
        var lines = SplitLines(RunExample("hello"));
        var torn = Join([.. lines.GetRange(0, 5), lines[5][..40]]);

        var python = AssertAgree(torn, "torn");

        Assert.False(python.Ok);
        Assert.Equal("torn", python.ErrorCode);
        Assert.Equal(4, python.Events);
    }

    [Fact]
    public void Python_reports_an_unsealed_transcript_whose_events_verify()
    {
        var lines = SplitLines(RunExample("files-and-processes"));
        lines.RemoveAt(lines.Count - 1);

        var python = AssertAgree(Join(lines), "unsealed");

        Assert.False(python.Ok);
        Assert.Equal("unsealed", python.ErrorCode);
        Assert.Equal(lines.Count - 1, python.Events);
    }

    [Fact]
    public void Python_refuses_a_valid_line_one_byte_longer_than_the_limit_as_reach_verify_does()
    {
        var transcript = LongLineTranscript.Write(TranscriptFormat.MaxLineBytes + 1);
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));

        var python = AssertAgree(transcript, "line over the limit");

        Assert.False(python.Ok);
        Assert.Equal("too_long", python.ErrorCode);
        Assert.Equal(1, python.ExitCode);
        Assert.Equal(ErrorCatalog.EventMalformed, report.Failure?.Error);
        Assert.Equal(report.Failure!.Line, python.Line);
        Assert.Equal(report.Failure.Seq, python.Seq);
    }

    [Fact]
    public void Python_reports_a_file_that_is_not_a_transcript_with_exit_code_2()
    {
        var python = AssertAgree("{\"hello\":\"world\"}\n"u8.ToArray(), "not a transcript");

        Assert.False(python.Ok);
        Assert.Equal(2, python.ExitCode);
    }

    /// <summary>Runs both verifiers and asserts they agree; returns the Python verdict.</summary>
    private PythonVerdict AssertAgree(byte[] transcript, string label)
    {
        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));
        var python = PythonVerdict.Parse(RunPython(Save(transcript, "transcript.jsonl"), "--json"));

        Assert.True(report.Ok == python.Ok, $"{label}: C# says ok={report.Ok} ({report.Failure?.Message}); Python says ok={python.Ok} ({python.Error}).");
        Assert.True(report.Events == python.Events, $"{label}: C# counts {report.Events} events, Python {python.Events}.");
        Assert.True(report.Redacted == python.Redacted, $"{label}: C# counts {report.Redacted} redacted, Python {python.Redacted}.");
        Assert.True(report.Fingerprint.ToString() == python.Fingerprint, $"{label}: C# fingerprint {report.Fingerprint}, Python {python.Fingerprint}.");
        Assert.True(python.Ok ? python.ExitCode == 0 : python.ExitCode is 1 or 2, $"{label}: ok={python.Ok} but exit code {python.ExitCode}.");
        return python;
    }

    private byte[] RunExample(string name)
    {
        var pack = PackLoader.Load(Path.Combine(Repository.Root, "examples", "packs", name), ToolRegistry.BuiltIn.Names);
        var file = Path.Combine(_temp.FullName, $"{name}-{Guid.NewGuid():N}.jsonl");
        TestRuns.Execute(pack, RunInputs.Resolve(pack.Manifest, null), new SessionOptionsTemplate
        {
            OpenTranscript = _ => new FileStream(file, FileMode.CreateNew, FileAccess.Write),
            Effects = new LiveEffects(() => new Workspace(Path.Combine(_temp.FullName, "workspace-" + name))),
        });
        return File.ReadAllBytes(file);
    }

    private string Save(byte[] transcript, string name)
    {
        var path = Path.Combine(_temp.FullName, name);
        File.WriteAllBytes(path, transcript);
        return path;
    }

    private static (int ExitCode, string Stdout) RunPython(params string[] arguments)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "tools", "verify_transcript.py"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"python3 is needed to run tools/verify_transcript.py but could not be started ({ex.Message}); install it (.ci/run does).");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                process.Kill();
                Assert.Fail("tools/verify_transcript.py did not finish within a minute.");
            }

            Assert.True(stderr.Result.Length == 0, $"tools/verify_transcript.py wrote to stderr: {stderr.Result}");
            return (process.ExitCode, stdout.Result);
        }
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        var at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, $"'{Encoding.UTF8.GetString(needle)}' is not in the transcript.");
        return at;
    }

    /// <summary>The lines of a transcript, each with its line feed.</summary>
    private static List<byte[]> SplitLines(byte[] transcript)
    {
        var lines = new List<byte[]>();
        var start = 0;
        while (start < transcript.Length)
        {
            var end = Array.IndexOf(transcript, (byte)'\n', start);
            end = end < 0 ? transcript.Length : end + 1;
            lines.Add(transcript[start..end]);
            start = end;
        }

        return lines;
    }

    private static byte[] Join(IEnumerable<byte[]> parts) => [.. parts.SelectMany(part => part)];

    private sealed record PythonVerdict(int ExitCode, bool Ok, long Events, long Redacted, string Fingerprint, string? ErrorCode, string? Error, long? Line = null, long? Seq = null)
    {
        public static PythonVerdict Parse((int ExitCode, string Stdout) run)
        {
            using var json = JsonDocument.Parse(run.Stdout);
            var root = json.RootElement;
            var error = root.GetProperty("error");
            return new PythonVerdict(
                run.ExitCode,
                root.GetProperty("ok").GetBoolean(),
                root.GetProperty("events").GetInt64(),
                root.GetProperty("redacted").GetInt64(),
                root.GetProperty("fingerprint").GetString()!,
                error.ValueKind == JsonValueKind.Object ? error.GetProperty("code").GetString() : null,
                error.ValueKind == JsonValueKind.Object ? error.GetProperty("message").GetString() : null,
                error.ValueKind == JsonValueKind.Object && error.GetProperty("line").ValueKind == JsonValueKind.Number ? error.GetProperty("line").GetInt64() : null,
                error.ValueKind == JsonValueKind.Object && error.GetProperty("seq").ValueKind == JsonValueKind.Number ? error.GetProperty("seq").GetInt64() : null);
        }
    }
}
