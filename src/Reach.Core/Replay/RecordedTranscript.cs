using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Json;
using Reach.Core.Transcripts;

namespace Reach.Core.Replay;

/// <summary>One recorded event with its data parsed.</summary>
/// <param name="Seq">The sequence number.</param>
/// <param name="Type">The event type.</param>
/// <param name="Data">The data, or null when redacted.</param>
/// <param name="Salt">The salt, or null when redacted.</param>
/// <param name="Hash">The event hash.</param>
/// <param name="Line">The canonical line.</param>
public sealed record RecordedEvent(long Seq, string Type, JsonElement? Data, byte[]? Salt, Sha256Digest Hash, byte[] Line);

/// <summary>A whole transcript read into memory, for replay and for readers that need every event.</summary>
public sealed class RecordedTranscript
{
    private RecordedTranscript(TranscriptHeader header, byte[] headerLine, List<RecordedEvent> events, TranscriptSeal seal)
    {
        Header = header;
        HeaderLine = headerLine;
        Events = events;
        Seal = seal;
    }

    /// <summary>The header.</summary>
    public TranscriptHeader Header { get; }

    /// <summary>The header's canonical line.</summary>
    public byte[] HeaderLine { get; }

    /// <summary>The events in order.</summary>
    public IReadOnlyList<RecordedEvent> Events { get; }

    /// <summary>The seal.</summary>
    public TranscriptSeal Seal { get; }

    /// <summary>Reads a transcript that has verified; <paramref name="bytes"/> must be its whole content.</summary>
    public static RecordedTranscript Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var lines = new LineReader(stream);
        if (!lines.TryReadLine(out var first, out _))
        {
            throw new ReachException(ErrorCatalog.TranscriptEmpty, "The transcript is empty.");
        }

        var headerLine = first.ToArray();
        var header = TranscriptHeader.Parse(headerLine);
        var events = new List<RecordedEvent>();
        var checker = new CanonicalFormChecker();
        TranscriptSeal seal = default;
        while (lines.TryReadLine(out var line, out _))
        {
            if (TranscriptSeal.LooksLikeSeal(line))
            {
                if (!TranscriptSeal.TryParse(line, out seal))
                {
                    throw new ReachException(ErrorCatalog.EventMalformed, $"Line {lines.LineNumber} is a malformed seal.");
                }

                continue;
            }

            if (!checker.IsCanonical(line))
            {
                throw new ReachException(ErrorCatalog.EventMalformed, $"Line {lines.LineNumber} is not in canonical form.");
            }

            if (EventLine.Parse(line, checker, out var ev, out var problem) != EventLine.Kind.Event)
            {
                throw new ReachException(ErrorCatalog.EventMalformed, $"Line {lines.LineNumber}: {problem}.");
            }

            JsonElement? data = null;
            byte[]? salt = null;
            if (!ev.Redacted)
            {
                using var document = JsonDocument.Parse(ev.Data.ToArray());
                data = document.RootElement.Clone();
                salt = Convert.FromHexString(Encoding.ASCII.GetString(ev.SaltHex));
            }

            var type = JsonSerializer.Deserialize(ev.TypeToken, CoreJsonContext.Default.String)!;
            events.Add(new RecordedEvent(ev.Seq, type, data, salt, ev.Hash, line.ToArray()));
        }

        return new RecordedTranscript(header, headerLine, events, seal);
    }
}
