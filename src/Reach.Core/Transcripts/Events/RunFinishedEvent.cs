using Reach.Core.Engine;
using Reach.Core.Gates;

namespace Reach.Core.Transcripts.Events;

/// <summary><c>run.finished</c>: how the run ended, what it spent, its output and a clock reading.</summary>
/// <param name="At">When the run ended.</param>
/// <param name="Code">The code that stopped it, if any.</param>
/// <param name="Gate">The gate that denied the call that stopped it, if one did.</param>
/// <param name="Output">The run's output, if it has one.</param>
/// <param name="Reason">Why it stopped, if it did not succeed.</param>
/// <param name="Rules">The rules that denied (written only when there are some).</param>
/// <param name="Status">succeeded, denied or failed.</param>
/// <param name="Step">The step it stopped at, if any.</param>
/// <param name="Usage">What the run spent.</param>
public sealed record RunFinishedEvent(DateTimeOffset At, string? Code, string? Gate, JsonElement? Output, string? Reason, IReadOnlyList<string> Rules, RunStatus Status, string? Step, BudgetUsage Usage) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.RunFinished);

    /// <inheritdoc/>
    public override string Type => EventTypes.RunFinished;

    internal override byte[] TypeToken => Token;

    /// <inheritdoc/>
    public override DateTimeOffset? ClockReading => At;

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static RunFinishedEvent Parse(JsonElement data) =>
        new(
            EventJson.Time(data, "at"),
            EventJson.OptionalString(data, "code"),
            EventJson.OptionalString(data, "gate"),
            EventJson.OptionalMember(data, "output"),
            EventJson.OptionalString(data, "reason"),
            EventJson.OptionalMember(data, "rules") is null ? [] : EventJson.Strings(data, "rules"),
            EventJson.String(data, "status") switch
            {
                "succeeded" => RunStatus.Succeeded,
                "denied" => RunStatus.Denied,
                "failed" => RunStatus.Failed,
                _ => throw EventJson.Malformed("status", "is not succeeded, denied or failed"),
            },
            EventJson.OptionalString(data, "step"),
            EventJson.ReadUsage(EventJson.Member(data, "usage")));

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("at", EventJson.Timestamp(At));
        EventJson.WriteOptional(writer, "code", Code);
        EventJson.WriteOptional(writer, "gate", Gate);
        if (Output is { } output)
        {
            writer.WritePropertyName("output");
            output.WriteTo(writer);
        }

        EventJson.WriteOptional(writer, "reason", Reason);
        if (Rules.Count > 0)
        {
            EventJson.WriteStrings(writer, "rules", Rules);
        }

        writer.WriteString("status", RunSession.StatusText(Status));
        EventJson.WriteOptional(writer, "step", Step);
        writer.WriteStartObject("usage");
        EventJson.WriteUsage(writer, Usage);
        writer.WriteEndObject();
    }
}
