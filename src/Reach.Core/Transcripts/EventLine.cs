using System.Buffers.Text;
using Reach.Core.Hashing;
using Reach.Core.Json;

namespace Reach.Core.Transcripts;

/// <summary>The fields of one event line, as spans into the line (no copies).</summary>
internal ref struct EventLine
{
    public long Seq;
    public ReadOnlySpan<byte> TypeToken;
    public ReadOnlySpan<byte> Data;
    public Sha256Digest DataDigest;
    public Sha256Digest Hash;
    public Sha256Digest Prev;
    public ReadOnlySpan<byte> SaltHex;
    public ReadOnlySpan<byte> DataDigestText;
    public ReadOnlySpan<byte> PrevText;
    public bool Redacted;

    /// <summary>The kinds of line a transcript holds after its header.</summary>
    public enum Kind
    {
        Malformed,
        Event,
        Seal,
    }

    /// <summary>
    /// Reads an event line that <paramref name="checker"/> has just found canonical, from the member positions it
    /// noted, or tells that the line is the seal.
    /// </summary>
    public static Kind Parse(ReadOnlySpan<byte> line, CanonicalFormChecker checker, out EventLine result, out string problem)
    {
        result = default;
        problem = string.Empty;
        if (line.Length == 0 || line[0] != (byte)'{')
        {
            problem = "the line is not a JSON object";
            return Kind.Malformed;
        }

        var seen = 0;
        foreach (var member in checker.TopLevelMembers)
        {
            var name = line.Slice(member.NameStart, member.NameLength);
            var value = line.Slice(member.ValueStart, member.ValueLength);
            var text = value.Length >= 2 && value[0] == (byte)'"' ? value[1..^1] : default;
            switch (name.Length)
            {
                case 4 when name.SequenceEqual("data"u8):
                    result.Data = value;
                    seen |= 1;
                    break;
                case 11 when name.SequenceEqual("data_digest"u8):
                    if (!Sha256Digest.TryParse(text, out result.DataDigest))
                    {
                        problem = "data_digest is not a sha256 digest";
                        return Kind.Malformed;
                    }

                    result.DataDigestText = text;
                    seen |= 2;
                    break;
                case 4 when name.SequenceEqual("hash"u8):
                    if (!Sha256Digest.TryParse(text, out result.Hash))
                    {
                        problem = "hash is not a sha256 digest";
                        return Kind.Malformed;
                    }

                    seen |= 4;
                    break;
                case 4 when name.SequenceEqual("prev"u8):
                    if (!Sha256Digest.TryParse(text, out result.Prev))
                    {
                        problem = "prev is not a sha256 digest";
                        return Kind.Malformed;
                    }

                    result.PrevText = text;
                    seen |= 8;
                    break;
                case 8 when name.SequenceEqual("redacted"u8):
                    if (!value.SequenceEqual("true"u8))
                    {
                        problem = "redacted must be true when present";
                        return Kind.Malformed;
                    }

                    result.Redacted = true;
                    seen |= 16;
                    break;
                case 4 when name.SequenceEqual("salt"u8):
                    if (text.Length != TranscriptFormat.SaltSize * 2 || !IsLowerHex(text))
                    {
                        problem = "salt is not 32 lowercase hex digits";
                        return Kind.Malformed;
                    }

                    result.SaltHex = text;
                    seen |= 32;
                    break;
                case 3 when name.SequenceEqual("seq"u8):
                    if (!Utf8Parser.TryParse(value, out result.Seq, out var consumed) || consumed != value.Length || result.Seq < 0)
                    {
                        problem = "seq is not a non-negative integer";
                        return Kind.Malformed;
                    }

                    seen |= 64;
                    break;
                case 4 when name.SequenceEqual("type"u8):
                    if (value.Length < 2 || value[0] != (byte)'"')
                    {
                        problem = "type is not a string";
                        return Kind.Malformed;
                    }

                    result.TypeToken = value;
                    seen |= 128;
                    break;
                default:
                    problem = $"unknown field '{Encoding.UTF8.GetString(name)}'";
                    return Kind.Malformed;
            }
        }

        if ((seen & 64) == 0 && result.TypeToken.SequenceEqual("\"reach.seal\""u8))
        {
            return Kind.Seal;
        }

        const int Full = 1 | 2 | 4 | 8 | 32 | 64 | 128;
        const int Redacted = 2 | 4 | 8 | 16 | 64 | 128;
        if (seen != Full && seen != Redacted)
        {
            problem = (seen & 16) != 0
                ? "a redacted event carries exactly data_digest, hash, prev, redacted, seq and type"
                : "an event carries exactly data, data_digest, hash, prev, salt, seq and type";
            return Kind.Malformed;
        }

        return Kind.Event;
    }

    private static readonly SearchValues<byte> LowerHex = SearchValues.Create("0123456789abcdef"u8);

    internal static bool IsLowerHex(ReadOnlySpan<byte> text) => !text.ContainsAnyExcept(LowerHex);
}
