using Reach.Core.Engine;

namespace Reach.Core.Transcripts.Events;

/// <summary>The one reader of event data: the typed record for each event kind Reach records.</summary>
public static class TranscriptEvents
{
    /// <summary>
    /// Reads the data of an event of <paramref name="type"/> as its record; null for a type Reach does not record (a
    /// reader skips it). A member missing or of the wrong kind is REACH-1117.
    /// </summary>
    public static TranscriptEvent? Read(string type, JsonElement data) => type switch
    {
        EventTypes.RunStarted => RunStartedEvent.Parse(data),
        EventTypes.StepStarted => StepStartedEvent.Parse(data),
        EventTypes.PolicyDecision => PolicyDecisionEvent.Parse(data),
        EventTypes.BudgetDecision => BudgetDecisionEvent.Parse(data),
        EventTypes.ToolResult => ToolResultEvent.Parse(data),
        EventTypes.ToolError => ToolErrorEvent.Parse(data),
        EventTypes.RunFinished => RunFinishedEvent.Parse(data),
        EventTypes.SessionSpawn => SessionSpawnEvent.Parse(data),
        EventTypes.SessionReturn => SessionReturnEvent.Parse(data),
        _ => null,
    };

    /// <summary>
    /// Each event of a whole or unsealed transcript (its bytes: header line, event lines, maybe a seal) with its data
    /// read: the sequence number and the record, or null for a redacted event or a type Reach does not record. The
    /// header and seal are skipped; the lines are trusted to be what the verifier checks.
    /// </summary>
    public static IEnumerable<(long Seq, string Type, TranscriptEvent? Event)> ReadAll(byte[] transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var start = Array.IndexOf(transcript, (byte)'\n') + 1;
        long seq = 0;
        while (start > 0 && start < transcript.Length)
        {
            var end = Array.IndexOf(transcript, (byte)'\n', start);
            var line = transcript.AsMemory(start, (end < 0 ? transcript.Length : end) - start);
            start = end < 0 ? transcript.Length : end + 1;
            if (line.Length == 0 || TranscriptSeal.LooksLikeSeal(line.Span))
            {
                continue;
            }

            string type;
            TranscriptEvent? read = null;
            using (var document = JsonDocument.Parse(line))
            {
                var root = document.RootElement;
                type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty;
                if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
                {
                    // Cloned: a record keeps the inputs and outputs past the document.
                    read = Read(type, data.Clone());
                }
            }

            yield return (seq++, type, read);
        }
    }
}
