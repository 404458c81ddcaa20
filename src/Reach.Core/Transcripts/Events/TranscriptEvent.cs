namespace Reach.Core.Transcripts.Events;

/// <summary>
/// One event's type and data (docs/EVENT_MODEL.md), as a record with one writer and one reader: what RunSession
/// records is what <see cref="TranscriptEvents.Read"/> gives back, so no reader outside Core parses event data itself.
/// The writer writes the members in canonical order; the transcript writer canonicalizes them anyway, so a record read
/// from a transcript and written again gives the recorded bytes.
/// </summary>
public abstract record TranscriptEvent
{
    /// <summary>The event type (<see cref="Engine.EventTypes"/>).</summary>
    public abstract string Type { get; }

    /// <summary>The type as the JSON string token a line holds, cached so appending does not encode it.</summary>
    internal abstract byte[] TypeToken { get; }

    /// <summary>The clock reading the event records (its <c>at</c>), or null for a kind that records none.</summary>
    public virtual DateTimeOffset? ClockReading => null;

    /// <summary>Writes the event's data object.</summary>
    public void WriteData(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteMembers(writer);
        writer.WriteEndObject();
    }

    /// <summary>Writes the data object's members, in canonical (ordinal) order.</summary>
    protected abstract void WriteMembers(Utf8JsonWriter writer);
}
