using System.Text;
using System.Text.Json.Nodes;
using Reach.Core.Json;

namespace Reach.Core.Tests.Transcripts;

/// <summary>
/// Redacts events the way docs/EVENT_MODEL.md says anyone holding a transcript may: drop <c>data</c> and <c>salt</c>,
/// add <c>"redacted":true</c>, write the line canonically. Hashes, chain, seal and fingerprint stay as they were.
/// </summary>
internal static class TranscriptRedaction
{
    /// <summary>Returns a copy of <paramref name="transcript"/> with the events numbered <paramref name="seqs"/> redacted.</summary>
    /// <exception cref="ArgumentException">A sequence number names no event of the transcript.</exception>
    public static byte[] Redact(byte[] transcript, IEnumerable<long> seqs)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(seqs);
        var pending = new HashSet<long>(seqs);
        using var output = new MemoryStream(transcript.Length);
        var start = 0;
        while (start < transcript.Length)
        {
            var newline = Array.IndexOf(transcript, (byte)'\n', start);
            if (newline < 0)
            {
                // A torn last line is kept as it is: it is not an event yet.
                output.Write(transcript, start, transcript.Length - start);
                break;
            }

            var line = transcript.AsSpan(start, newline - start);
            output.Write(start > 0 && JsonNode.Parse(line) is JsonObject obj && IsEventToRedact(obj, pending) ? RedactLine(obj) : line);
            output.WriteByte((byte)'\n');
            start = newline + 1;
        }

        if (pending.Count > 0)
        {
            throw new ArgumentException($"The transcript has no event with seq {string.Join(", ", pending)}.", nameof(seqs));
        }

        return output.ToArray();
    }

    private static bool IsEventToRedact(JsonObject line, HashSet<long> pending) =>
        line["seq"] is JsonValue seq && seq.TryGetValue<long>(out var value) && pending.Remove(value);

    private static byte[] RedactLine(JsonObject line)
    {
        line.Remove("data");
        line.Remove("salt");
        line["redacted"] = true;
        return CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(line.ToJsonString()));
    }
}
