using Reach.Core.Engine;
using Reach.Core.Packs;

namespace Reach.Core.Transcripts.Events;

/// <summary><c>run.started</c>: the clock's first reading, the run's budgets, its inputs and its pack.</summary>
/// <param name="At">When the run started.</param>
/// <param name="Budgets">The limits the run runs under.</param>
/// <param name="Inputs">The resolved inputs.</param>
/// <param name="PackName">The pack's name.</param>
/// <param name="PackVersion">The pack's version.</param>
public sealed record RunStartedEvent(DateTimeOffset At, Budgets Budgets, JsonElement Inputs, string PackName, string PackVersion) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.RunStarted);

    /// <inheritdoc/>
    public override string Type => EventTypes.RunStarted;

    internal override byte[] TypeToken => Token;

    /// <inheritdoc/>
    public override DateTimeOffset? ClockReading => At;

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static RunStartedEvent Parse(JsonElement data)
    {
        var pack = EventJson.Member(data, "pack");
        return new(EventJson.Time(data, "at"), Budgets.Read(EventJson.Member(data, "budgets")), EventJson.Member(data, "inputs"), EventJson.String(pack, "name"), EventJson.String(pack, "version"));
    }

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("at", EventJson.Timestamp(At));
        writer.WriteStartObject("budgets");
        Budgets.WriteMembers(writer);
        writer.WriteEndObject();
        writer.WritePropertyName("inputs");
        Inputs.WriteTo(writer);
        writer.WriteStartObject("pack");
        writer.WriteString("name", PackName);
        writer.WriteString("version", PackVersion);
        writer.WriteEndObject();
    }
}
