using Reach.Core.Hashing;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Transcripts;

/// <summary>
/// A sealed, valid transcript whose second event's line is exactly as long as asked: every hash, digest and the seal
/// are right, so a reader that refuses it does so for its length alone.
/// </summary>
internal static class LongLineTranscript
{
    /// <summary>The 1-based line that holds the long event.</summary>
    public const int LongLine = 3;

    private static readonly TranscriptHeader Header = new()
    {
        RunId = "0123456789abcdef0123456789abcdef",
        PackName = "long-line",
        PackVersion = "1.0.0",
        PackDigest = Sha256Digest.Compute("pack"u8),
        InputsDigest = Sha256Digest.Compute("{}"u8),
        PolicyDigest = Sha256Digest.Compute("policy"u8),
    };

    /// <summary>The transcript; the long line is line 3, event 1.</summary>
    public static byte[] Write(int lineBytes)
    {
        // The line's length is its text's plus a constant (digests, salt and seq have fixed widths): measure it once.
        Write(0, out var constant);
        var transcript = Write(lineBytes - constant, out var length);
        Assert.Equal(lineBytes, length);
        return transcript;
    }

    private static byte[] Write(int textBytes, out int longLineBytes)
    {
        var data = new byte[textBytes + 11];
        "{\"text\":\""u8.CopyTo(data);
        data.AsSpan(9, textBytes).Fill((byte)'x');
        "\"}"u8.CopyTo(data.AsSpan(9 + textBytes));
        using var stream = new MemoryStream();
        using (var writer = new TranscriptWriter(stream, Header, new SplitMix64(7)))
        {
            writer.Append("test.event", "{\"i\":0}"u8);
            var before = stream.Length;
            writer.Append("test.event", data);
            longLineBytes = checked((int)(stream.Length - before - 1));
            writer.Append("test.event", "{\"i\":2}"u8);
            writer.Seal();
        }

        return stream.ToArray();
    }
}
