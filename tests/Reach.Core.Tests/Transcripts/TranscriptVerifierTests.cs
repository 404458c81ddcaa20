using System.Text;
using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Transcripts;

/// <summary>Each way a transcript can be damaged gets its own code and names the line where it starts.</summary>
public sealed class TranscriptVerifierTests
{
    private static readonly TranscriptHeader Header = new()
    {
        RunId = "0123456789abcdef0123456789abcdef",
        PackName = "verifier-tests",
        PackVersion = "1.0.0",
        PackDigest = Sha256Digest.Compute("pack"u8),
        InputsDigest = Sha256Digest.Compute("{}"u8),
        PolicyDigest = Sha256Digest.Compute("policy"u8),
    };

    [Fact]
    public void Verify_accepts_a_sealed_transcript_and_reports_its_fingerprint()
    {
        var (bytes, fingerprint) = Write(5, seal: true);

        var report = Verify(bytes);

        Assert.True(report.Ok, report.Failure?.Message);
        Assert.True(report.Sealed);
        Assert.Equal(5, report.Events);
        Assert.Equal(0, report.Redacted);
        Assert.Equal(fingerprint, report.Fingerprint);
        Assert.Equal(Header, report.Header);
    }

    [Fact]
    public void Verify_accepts_a_sealed_transcript_without_events()
    {
        var (bytes, fingerprint) = Write(0, seal: true);

        var report = Verify(bytes);

        Assert.True(report.Ok, report.Failure?.Message);
        Assert.Equal(0, report.Events);
        Assert.Equal(Sha256Digest.Empty, fingerprint);
        Assert.Equal(fingerprint, report.Fingerprint);
    }

    [Fact]
    public void Verify_accepts_a_line_of_exactly_the_longest_length_a_reader_accepts()
    {
        var report = Verify(LongLineTranscript.Write(TranscriptFormat.MaxLineBytes));

        Assert.True(report.Ok, report.Failure?.Message);
        Assert.Equal(3, report.Events);
    }

    [Fact]
    public void Verify_refuses_a_valid_line_one_byte_longer_than_the_limit_with_a_report_naming_the_line()
    {
        var report = Verify(LongLineTranscript.Write(TranscriptFormat.MaxLineBytes + 1));

        Assert.False(report.Ok);
        Assert.Equal(ErrorCatalog.EventMalformed, report.Failure!.Error);
        Assert.Equal(LongLineTranscript.LongLine, report.Failure.Line);
        Assert.Equal(1, report.Failure.Seq);
        Assert.Contains("longer than 67108864 bytes", report.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, report.Events);
    }

    [Fact]
    public void Verify_reports_a_torn_last_line_with_the_count_of_whole_events()
    {
        var (whole, _) = Write(4, seal: false);
        var lines = Lines(whole);
        var torn = Concat(lines[..4], Encoding.UTF8.GetBytes(lines[4])[..40]);

        var report = Verify(torn);

        Assert.False(report.Ok);
        Assert.Equal(ErrorCatalog.TranscriptTorn, report.Failure!.Error);
        Assert.Equal(5, report.Failure.Line);
        Assert.Equal(3, report.Events);
        Assert.True(report.Torn);
        Assert.True(report.ChainIntact);
        Assert.Contains("3 whole events", report.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_reports_a_torn_header_line()
    {
        var (whole, _) = Write(0, seal: true);

        var report = Verify(whole[..30]);

        Assert.Equal(ErrorCatalog.TranscriptTorn, report.Failure!.Error);
        Assert.Equal(1, report.Failure.Line);
        Assert.Equal(0, report.Events);
    }

    [Fact]
    public void Verify_reports_an_unsealed_transcript_whose_events_verify()
    {
        var (bytes, _) = Write(3, seal: false);

        var report = Verify(bytes);

        Assert.Equal(ErrorCatalog.TranscriptUnsealed, report.Failure!.Error);
        Assert.Equal(3, report.Events);
        Assert.Equal(5, report.Failure.Line);
        Assert.False(report.Sealed);
        Assert.True(report.ChainIntact);
    }

    [Fact]
    public void Verify_reports_an_empty_file()
    {
        var report = Verify([]);

        Assert.Equal(ErrorCatalog.TranscriptEmpty, report.Failure!.Error);
        Assert.Equal(1, report.Failure.Line);
        Assert.Null(report.Header);
    }

    [Theory]
    [InlineData("this is not json\n")]
    [InlineData("[1,2,3]\n")]
    [InlineData("{\"type\":\"something.else\"}\n")]
    public void Verify_reports_a_file_that_is_not_a_JSON_Lines_transcript(string text)
    {
        var report = Verify(Encoding.UTF8.GetBytes(text));

        Assert.Equal(ErrorCatalog.TranscriptNotJsonLines, report.Failure!.Error);
        Assert.Equal(1, report.Failure.Line);
    }

    [Fact]
    public void Verify_reports_an_unknown_format_version()
    {
        var future = Header with { Format = 2 };
        var bytes = Concat([], [.. future.ToCanonicalJson(), (byte)'\n']);

        var report = Verify(bytes);

        Assert.Equal(ErrorCatalog.TranscriptUnknownFormat, report.Failure!.Error);
        Assert.Equal(1, report.Failure.Line);
    }

    [Fact]
    public void Verify_reports_an_edited_header_as_a_broken_chain_at_event_0()
    {
        var (bytes, _) = Write(3, seal: true);
        var lines = Lines(bytes);
        lines[0] = lines[0].Replace("\"run_id\":\"0123", "\"run_id\":\"1123", StringComparison.Ordinal);

        var report = Verify(Join(lines));

        Assert.Equal(ErrorCatalog.ChainBroken, report.Failure!.Error);
        Assert.Equal(2, report.Failure.Line);
        Assert.Equal(0, report.Failure.Seq);
        Assert.Equal(0, report.Events);
    }

    [Fact]
    public void Verify_reports_any_bit_flip_in_a_non_ASCII_header_instead_of_throwing()
    {
        // A flip inside a multi-byte character leaves invalid UTF-8, which JsonDocument reads but cannot turn into a string.
        var (bytes, _) = Write(1, seal: true, Header with { PackName = "😀 é" });
        var headerLength = Array.IndexOf(bytes, (byte)'\n');
        for (var position = 0; position < headerLength; position++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])bytes.Clone();
                tampered[position] ^= (byte)(1 << bit);

                var report = Verify(tampered);

                Assert.False(report.Ok);
                Assert.InRange(report.Failure!.Line, 1, 2);
            }
        }
    }

    [Fact]
    public void Verify_reports_a_header_with_an_extra_field()
    {
        var (bytes, _) = Write(1, seal: true);
        var lines = Lines(bytes);
        lines[0] = lines[0].Replace("{\"engine\"", "{\"comment\":\"x\",\"engine\"", StringComparison.Ordinal);

        var report = Verify(Join(lines));

        Assert.Equal(ErrorCatalog.TranscriptHeaderInvalid, report.Failure!.Error);
        Assert.Equal(1, report.Failure.Line);
    }

    [Fact]
    public void Verify_reports_content_after_the_seal()
    {
        var (bytes, _) = Write(3, seal: true);
        var lines = Lines(bytes);

        var report = Verify(Join([.. lines, lines[2]]));

        Assert.Equal(ErrorCatalog.ContentAfterSeal, report.Failure!.Error);
        Assert.Equal(6, report.Failure.Line);
    }

    [Fact]
    public void Verify_reports_non_canonical_whitespace_in_an_event_line()
    {
        var (bytes, _) = Write(3, seal: true);
        var lines = Lines(bytes);
        Assert.StartsWith("{\"data\":", lines[2], StringComparison.Ordinal);
        lines[2] = "{ " + lines[2][1..];

        var report = Verify(Join(lines));

        Assert.Equal(ErrorCatalog.EventMalformed, report.Failure!.Error);
        Assert.Equal(3, report.Failure.Line);
        Assert.Equal(1, report.Events);
    }

    [Fact]
    public void Verify_reports_a_seal_with_a_wrong_fingerprint()
    {
        var (bytes, fingerprint) = Write(3, seal: true);
        var lines = Lines(bytes);
        var wrong = Sha256Digest.Compute("not the fingerprint"u8);
        lines[4] = lines[4].Replace(fingerprint.ToString(), wrong.ToString(), StringComparison.Ordinal);

        var report = Verify(Join(lines));

        Assert.Equal(ErrorCatalog.FingerprintMismatch, report.Failure!.Error);
        Assert.Equal(5, report.Failure.Line);
        Assert.Equal(fingerprint.ToString(), report.Failure.Expected);
        Assert.Equal(wrong.ToString(), report.Failure.Actual);
    }

    [Fact]
    public void Verify_reports_a_seal_that_miscounts_the_events()
    {
        var (bytes, _) = Write(3, seal: true);
        var lines = Lines(bytes);
        lines[4] = lines[4].Replace("{\"events\":3,", "{\"events\":4,", StringComparison.Ordinal);

        var report = Verify(Join(lines));

        Assert.Equal(ErrorCatalog.FingerprintMismatch, report.Failure!.Error);
        Assert.Equal(5, report.Failure.Line);
    }

    [Fact]
    public void Verify_reports_changed_data_as_a_data_digest_mismatch()
    {
        var (bytes, _) = Write(3, seal: true);
        var lines = Lines(bytes);
        lines[2] = lines[2].Replace("\"i\":1", "\"i\":7", StringComparison.Ordinal);

        var report = Verify(Join(lines));

        Assert.Equal(ErrorCatalog.DataDigestMismatch, report.Failure!.Error);
        Assert.Equal(3, report.Failure.Line);
        Assert.Equal(1, report.Failure.Seq);
    }

    [Fact]
    public void VerifyFile_reports_a_missing_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"reach-missing-{Guid.NewGuid():N}.jsonl");

        var ex = Assert.Throws<ReachException>(() => TranscriptVerifier.VerifyFile(path));

        Assert.Equal(ErrorCatalog.TranscriptNotFound, ex.Error);
    }

    [Fact]
    public void Verification_memory_does_not_grow_with_the_transcript()
    {
        var small = Write(10_000, seal: true).Bytes;
        var large = Write(100_000, seal: true).Bytes;
        Assert.True(Verify(small).Ok);

        var smallAllocated = Allocated(small);
        var largeAllocated = Allocated(large);

        Assert.True(
            largeAllocated < (2 * smallAllocated) + (256 * 1024),
            $"Verifying 100k events allocated {largeAllocated} bytes; 10k events allocated {smallAllocated}.");

        static long Allocated(byte[] bytes)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var report = TranscriptVerifier.Verify(stream);
            var after = GC.GetAllocatedBytesForCurrentThread();
            Assert.True(report.Ok, report.Failure?.Message);
            return after - before;
        }
    }

    private static VerificationReport Verify(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return TranscriptVerifier.Verify(stream);
    }

    private static (byte[] Bytes, Sha256Digest Fingerprint) Write(int events, bool seal, TranscriptHeader? header = null)
    {
        var stream = new MemoryStream();
        var fingerprint = default(Sha256Digest);
        using (var writer = new TranscriptWriter(stream, header ?? Header, new CountingRandom()))
        {
            for (var i = 0; i < events; i++)
            {
                writer.Append("test.event", Encoding.UTF8.GetBytes($"{{\"text\":\"event number {i}\",\"i\":{i}}}"));
            }

            if (seal)
            {
                fingerprint = writer.Seal();
            }
        }

        return (stream.ToArray(), fingerprint);
    }

    private static string[] Lines(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text[..^1].Split('\n');
    }

    private static byte[] Join(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n")));

    private static byte[] Concat(string[] wholeLines, byte[] tail) => [.. Join(wholeLines), .. tail];

    /// <summary>Deterministic salts: a counter, so every transcript these tests write is the same.</summary>
    private sealed class CountingRandom : IRandomSource
    {
        private byte _next;

        public void Fill(Span<byte> destination)
        {
            foreach (ref var b in destination)
            {
                b = _next++;
            }
        }
    }
}
