using Reach.Core.Hashing;
using Reach.Core.Json;

namespace Reach.Core.Transcripts;

/// <summary>
/// The hashing rules of transcript format 1 (docs/EVENT_MODEL.md):
/// <c>data_digest = SHA-256(salt ‖ canonical(data))</c>;
/// <c>hash = SHA-256(canonical({"data_digest","prev","seq","type"}))</c>;
/// event 0's <c>prev</c> is the SHA-256 of the header line; the fingerprint is the RFC 6962 head over the event hashes.
/// </summary>
public static class TranscriptFormat
{
    /// <summary>The header's <c>type</c>.</summary>
    public const string HeaderType = "reach.transcript";

    /// <summary>The seal's <c>type</c>.</summary>
    public const string SealType = "reach.seal";

    /// <summary>The length of an event's salt in bytes.</summary>
    public const int SaltSize = 16;

    /// <summary>The longest line a reader accepts (64 MiB), so memory stays bounded.</summary>
    public const int MaxLineBytes = 64 * 1024 * 1024;

    /// <summary>Computes <c>SHA-256(salt ‖ canonicalData)</c>.</summary>
    public static Sha256Digest DataDigest(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> canonicalData) =>
        Sha256Digest.Compute(salt, canonicalData);

    /// <summary>Computes an event's hash from the four fields it commits to.</summary>
    /// <param name="seq">The sequence number.</param>
    /// <param name="typeJson">The event type as a canonical JSON string token, quotes included.</param>
    /// <param name="prev">The previous event's hash (the header's hash for event 0).</param>
    /// <param name="dataDigest">The data digest.</param>
    public static Sha256Digest EventHash(long seq, ReadOnlySpan<byte> typeJson, Sha256Digest prev, Sha256Digest dataDigest)
    {
        Span<byte> prevText = stackalloc byte[Sha256Digest.TextLength];
        Span<byte> dataDigestText = stackalloc byte[Sha256Digest.TextLength];
        prev.WriteUtf8(prevText);
        dataDigest.WriteUtf8(dataDigestText);
        return EventHash(seq, typeJson, prevText, dataDigestText);
    }

    /// <summary>Computes an event's hash from the text forms (<c>sha256:</c> + hex) of the previous hash and the data digest.</summary>
    internal static Sha256Digest EventHash(long seq, ReadOnlySpan<byte> typeJson, ReadOnlySpan<byte> prevText, ReadOnlySpan<byte> dataDigestText)
    {
        var length = 16 + Sha256Digest.TextLength + 10 + Sha256Digest.TextLength + 8 + 20 + 8 + typeJson.Length + 1;
        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var at = 0;
        Append(buffer, ref at, "{\"data_digest\":\""u8);
        Append(buffer, ref at, dataDigestText);
        Append(buffer, ref at, "\",\"prev\":\""u8);
        Append(buffer, ref at, prevText);
        Append(buffer, ref at, "\",\"seq\":"u8);
        seq.TryFormat(buffer[at..], out var digits, provider: CultureInfo.InvariantCulture);
        at += digits;
        Append(buffer, ref at, ",\"type\":"u8);
        Append(buffer, ref at, typeJson);
        buffer[at++] = (byte)'}';
        var result = Sha256Digest.Compute(buffer[..at]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>Writes a type name as a canonical JSON string token.</summary>
    public static byte[] TypeToken(string type)
    {
        var buffer = new ArrayBufferWriter<byte>(type.Length + 2);
        CanonicalJson.WriteString(type, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Append(Span<byte> buffer, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer[at..]);
        at += bytes.Length;
    }
}
