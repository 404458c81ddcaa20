using Reach.Core.Engine;
using Reach.Core.Hashing;
using Reach.Core.Transcripts;
using Reach.Core.Transcripts.Events;

namespace Reach.Core.Replay;

/// <summary>
/// What a replay feeds back from a recording: the run id and salts (the randomness), the clock readings, the inputs
/// and the results of side-effecting tools. <see cref="TryRead"/> reads them in one cheap pass that trusts the
/// canonical layout of event lines; it proves nothing, because the replay's bytes are compared with the recording's
/// afterwards and any difference sends the replay down the fully verifying path.
/// </summary>
internal sealed class ReplayFeed
{
    private static readonly byte[] DataPrefix = "{\"data\":"u8.ToArray();
    private static readonly byte[] DigestMarker = ",\"data_digest\":\"sha256:"u8.ToArray();
    private static readonly byte[] SaltMarker = ",\"salt\":\""u8.ToArray();
    private static readonly byte[] TypeMarker = ",\"type\":"u8.ToArray();
    private static readonly byte[] AtPrefix = "{\"at\":\""u8.ToArray();
    private static readonly byte[] PurePrefix = "{\"effect\":\"pure\""u8.ToArray();
    private static readonly byte[] ToolResultToken = "\"tool.result\""u8.ToArray();
    private static readonly byte[] ToolErrorToken = "\"tool.error\""u8.ToArray();
    private static readonly byte[] RunStartedToken = "\"run.started\""u8.ToArray();

    public required TranscriptHeader Header { get; init; }

    public required byte[] Randomness { get; init; }

    public required List<DateTimeOffset> Readings { get; init; }

    public required JsonElement? Inputs { get; init; }

    public required List<RecordedEvent> Effects { get; init; }

    public required long Events { get; init; }

    public required long PureResults { get; init; }

    public required Sha256Digest RecordedFingerprint { get; init; }

    /// <summary>Reads the feed, or returns null when the transcript is not a whole, sealed, unredacted one of the usual layout.</summary>
    public static ReplayFeed? TryRead(byte[] transcript)
    {
        try
        {
            return Read(transcript);
        }
        catch (Exception ex) when (ex is Errors.ReachException or FormatException or JsonException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads the feed from parsed events (the slow path, for transcripts that have verified).</summary>
    public static ReplayFeed FromRecorded(RecordedTranscript recorded)
    {
        var random = new List<byte>(16 + (recorded.Events.Count * TranscriptFormat.SaltSize));
        random.AddRange(Convert.FromHexString(recorded.Header.RunId));
        var readings = new List<DateTimeOffset>();
        var effects = new List<RecordedEvent>();
        JsonElement? inputs = null;
        long pure = 0;
        foreach (var ev in recorded.Events)
        {
            random.AddRange(ev.Salt!);
            var read = TranscriptEvents.Read(ev.Type, ev.Data!.Value);
            if (read?.ClockReading is { } at)
            {
                readings.Add(at);
            }

            switch (read)
            {
                case RunStartedEvent started:
                    inputs = started.Inputs;
                    break;
                case ToolResultEvent { Effect: ToolEffect.Recorded } or ToolErrorEvent { Effect: ToolEffect.Recorded }:
                    effects.Add(ev);
                    break;
                case ToolResultEvent:
                    pure++;
                    break;
            }
        }

        return new ReplayFeed
        {
            Header = recorded.Header,
            Randomness = [.. random],
            Readings = readings,
            Inputs = inputs,
            Effects = effects,
            Events = recorded.Events.Count,
            PureResults = pure,
            RecordedFingerprint = recorded.Seal.Fingerprint,
        };
    }

    private static ReplayFeed? Read(byte[] transcript)
    {
        var span = transcript.AsSpan();
        var newline = span.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return null;
        }

        var header = TranscriptHeader.Parse(span[..newline]);
        var random = new byte[16 + ((span.Count((byte)'\n') + 1) * TranscriptFormat.SaltSize)];
        Convert.FromHexString(header.RunId, random.AsSpan(0, 16), out _, out var idBytes);
        if (idBytes != 16)
        {
            return null;
        }

        var randomLength = 16;
        var readings = new List<DateTimeOffset>();
        var effects = new List<RecordedEvent>();
        JsonElement? inputs = null;
        long events = 0, pure = 0;
        var rest = span[(newline + 1)..];
        while (rest.Length > 0)
        {
            newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                return null;
            }

            var line = rest[..newline];
            rest = rest[(newline + 1)..];
            if (TranscriptSeal.LooksLikeSeal(line))
            {
                if (rest.Length != 0 || !TranscriptSeal.TryParse(line, out var seal) || seal.Events != events)
                {
                    return null;
                }

                return new ReplayFeed
                {
                    Header = header,
                    Randomness = random[..randomLength],
                    Readings = readings,
                    Inputs = inputs,
                    Effects = effects,
                    Events = events,
                    PureResults = pure,
                    RecordedFingerprint = seal.Fingerprint,
                };
            }

            // {"data":DATA,"data_digest":"sha256:…","hash":"sha256:…","prev":"sha256:…","salt":"…","seq":N,"type":"…"}
            var dataEnd = line.LastIndexOf(DigestMarker);
            var saltAt = line.LastIndexOf(SaltMarker);
            var typeAt = line.LastIndexOf(TypeMarker);
            if (!line.StartsWith(DataPrefix) || dataEnd < 0 || saltAt < dataEnd || typeAt < saltAt)
            {
                return null;
            }

            var data = line[DataPrefix.Length..dataEnd];
            var typeToken = line[(typeAt + TypeMarker.Length)..^1];
            Convert.FromHexString(line.Slice(saltAt + SaltMarker.Length, TranscriptFormat.SaltSize * 2), random.AsSpan(randomLength, TranscriptFormat.SaltSize), out _, out var saltBytes);
            if (saltBytes != TranscriptFormat.SaltSize)
            {
                return null;
            }

            randomLength += TranscriptFormat.SaltSize;
            if (data.StartsWith(AtPrefix))
            {
                var end = data[AtPrefix.Length..].IndexOf((byte)'"');
                readings.Add(ParseTimestamp(Encoding.ASCII.GetString(data.Slice(AtPrefix.Length, end))));
            }

            if (typeToken.SequenceEqual(RunStartedToken))
            {
                using var document = JsonDocument.Parse(data.ToArray());
                inputs = RunStartedEvent.Parse(document.RootElement).Inputs.Clone();
            }
            else if (typeToken.SequenceEqual(ToolResultToken) || typeToken.SequenceEqual(ToolErrorToken))
            {
                if (data.StartsWith(PurePrefix))
                {
                    pure++;
                }
                else
                {
                    using var document = JsonDocument.Parse(data.ToArray());
                    var parsed = document.RootElement.Clone();
                    var type = typeToken.SequenceEqual(ToolResultToken) ? EventTypes.ToolResult : EventTypes.ToolError;
                    if (TranscriptEvents.Read(type, parsed) is ToolResultEvent { Effect: ToolEffect.Recorded } or ToolErrorEvent { Effect: ToolEffect.Recorded })
                    {
                        var hashText = line.Slice(dataEnd + DigestMarker.Length + 64 + "\",\"hash\":\""u8.Length, Sha256Digest.TextLength);
                        if (!Sha256Digest.TryParse(hashText, out var hash))
                        {
                            return null;
                        }

                        effects.Add(new RecordedEvent(events, type, parsed, null, hash, line.ToArray()));
                    }
                }
            }

            events++;
        }

        return null;
    }

    internal static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
