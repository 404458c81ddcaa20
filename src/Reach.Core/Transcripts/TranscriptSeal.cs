using Reach.Core.Hashing;

namespace Reach.Core.Transcripts;

/// <summary>The last line of a finished transcript: how many events, the last hash and the fingerprint.</summary>
/// <param name="Events">The number of events.</param>
/// <param name="LastHash">The hash of the last event.</param>
/// <param name="Fingerprint">The RFC 6962 head over the event hashes.</param>
public readonly record struct TranscriptSeal(long Events, Sha256Digest LastHash, Sha256Digest Fingerprint)
{
    /// <summary>True when the line is a seal rather than an event (it starts with the seal's first key).</summary>
    internal static bool LooksLikeSeal(ReadOnlySpan<byte> line) => line.StartsWith("{\"events\":"u8);

    /// <summary>Reads a canonical seal line.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> line, out TranscriptSeal seal)
    {
        seal = default;
        var reader = new Utf8JsonReader(line);
        long events = -1;
        Sha256Digest last = default, fingerprint = default;
        var seen = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan.ToArray();
                reader.Read();
                switch (Encoding.ASCII.GetString(name))
                {
                    case "events" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out events) && events >= 0:
                        seen |= 1;
                        break;
                    case "fingerprint" when reader.TokenType == JsonTokenType.String && Sha256Digest.TryParse(reader.ValueSpan, out fingerprint):
                        seen |= 2;
                        break;
                    case "last_hash" when reader.TokenType == JsonTokenType.String && Sha256Digest.TryParse(reader.ValueSpan, out last):
                        seen |= 4;
                        break;
                    case "type" when reader.TokenType == JsonTokenType.String && reader.ValueSpan.SequenceEqual("reach.seal"u8):
                        seen |= 8;
                        break;
                    default:
                        return false;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (seen != 15)
        {
            return false;
        }

        seal = new TranscriptSeal(events, last, fingerprint);
        return true;
    }
}
