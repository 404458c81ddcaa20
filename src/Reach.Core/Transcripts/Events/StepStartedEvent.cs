using Reach.Core.Engine;

namespace Reach.Core.Transcripts.Events;

/// <summary><c>step.started</c>: a call was proposed: its step index and id, its tool, its resolved input and a clock reading.</summary>
/// <param name="At">When the call was proposed.</param>
/// <param name="Index">The step's index.</param>
/// <param name="Input">The resolved input.</param>
/// <param name="Step">The step id, if the call has one.</param>
/// <param name="Tool">The tool.</param>
public sealed record StepStartedEvent(DateTimeOffset At, long Index, JsonElement Input, string? Step, string Tool) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.StepStarted);

    /// <inheritdoc/>
    public override string Type => EventTypes.StepStarted;

    internal override byte[] TypeToken => Token;

    /// <inheritdoc/>
    public override DateTimeOffset? ClockReading => At;

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static StepStartedEvent Parse(JsonElement data) =>
        new(EventJson.Time(data, "at"), EventJson.Long(data, "index"), EventJson.Member(data, "input"), EventJson.OptionalString(data, "step"), EventJson.String(data, "tool"));

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("at", EventJson.Timestamp(At));
        writer.WriteNumber("index", Index);
        writer.WritePropertyName("input");
        Input.WriteTo(writer);
        EventJson.WriteOptional(writer, "step", Step);
        writer.WriteString("tool", Tool);
    }
}
