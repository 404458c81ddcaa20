using Reach.Core.Hashing;

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
    public bool Redacted;

    /// <summary>The kinds of line a transcript holds after its header.</summary>
    public enum Kind
    {
        Malformed,
        Event,
        Seal,
    }

    /// <summary>Reads an event line (already known to be canonical) or tells that it is the seal.</summary>
    public static Kind Parse(ReadOnlySpan<byte> line, out EventLine result, out string problem)
    {
        result = default;
        problem = string.Empty;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 65 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            problem = "the line is not a JSON object";
            return Kind.Malformed;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("data"u8))
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                result.Data = line[start..(int)reader.BytesConsumed];
                seen |= 1;
            }
            else if (name.SequenceEqual("data_digest"u8))
            {
                if (!Digest(ref reader, out result.DataDigest))
                {
                    problem = "data_digest is not a sha256 digest";
                    return Kind.Malformed;
                }

                seen |= 2;
            }
            else if (name.SequenceEqual("hash"u8))
            {
                if (!Digest(ref reader, out result.Hash))
                {
                    problem = "hash is not a sha256 digest";
                    return Kind.Malformed;
                }

                seen |= 4;
            }
            else if (name.SequenceEqual("prev"u8))
            {
                if (!Digest(ref reader, out result.Prev))
                {
                    problem = "prev is not a sha256 digest";
                    return Kind.Malformed;
                }

                seen |= 8;
            }
            else if (name.SequenceEqual("redacted"u8))
            {
                if (reader.TokenType != JsonTokenType.True)
                {
                    problem = "redacted must be true when present";
                    return Kind.Malformed;
                }

                result.Redacted = true;
                seen |= 16;
            }
            else if (name.SequenceEqual("salt"u8))
            {
                if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length != TranscriptFormat.SaltSize * 2 || !IsLowerHex(reader.ValueSpan))
                {
                    problem = "salt is not 32 lowercase hex digits";
                    return Kind.Malformed;
                }

                result.SaltHex = reader.ValueSpan;
                seen |= 32;
            }
            else if (name.SequenceEqual("seq"u8))
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out result.Seq) || result.Seq < 0)
                {
                    problem = "seq is not a non-negative integer";
                    return Kind.Malformed;
                }

                seen |= 64;
            }
            else if (name.SequenceEqual("type"u8))
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    problem = "type is not a string";
                    return Kind.Malformed;
                }

                var start = (int)reader.TokenStartIndex;
                result.TypeToken = line[start..(int)reader.BytesConsumed];
                seen |= 128;
            }
            else
            {
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

    private static bool Digest(ref Utf8JsonReader reader, out Sha256Digest digest)
    {
        digest = default;
        return reader.TokenType == JsonTokenType.String && Sha256Digest.TryParse(reader.ValueSpan, out digest);
    }

    internal static bool IsLowerHex(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }
}
