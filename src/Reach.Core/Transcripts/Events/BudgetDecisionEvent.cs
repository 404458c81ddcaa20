using Reach.Core.Engine;
using Reach.Core.Gates;

namespace Reach.Core.Transcripts.Events;

/// <summary><c>budget.decision</c>: what the budget gate decided about a call, with the call's cost and the usage before it.</summary>
/// <param name="Code">The code of a denial.</param>
/// <param name="Cost">The call's declared cost.</param>
/// <param name="Effect">permit or deny.</param>
/// <param name="Limit">The limit that refused the call, if any.</param>
/// <param name="Reason">Why.</param>
/// <param name="Step">The step id, if the call has one.</param>
/// <param name="Tool">The tool.</param>
/// <param name="Usage">The run's usage before the call.</param>
public sealed record BudgetDecisionEvent(string? Code, decimal Cost, GateEffect Effect, string? Limit, string Reason, string? Step, string Tool, BudgetUsage Usage) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.BudgetDecision);

    /// <inheritdoc/>
    public override string Type => EventTypes.BudgetDecision;

    internal override byte[] TypeToken => Token;

    /// <summary>The event recording <paramref name="decision"/> about a call of <paramref name="tool"/>.</summary>
    public static BudgetDecisionEvent Of(BudgetDecision decision, string? step, string tool)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new(decision.Code?.Code, decision.Cost, decision.Effect, decision.Limit, decision.Reason, step, tool, decision.Before);
    }

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static BudgetDecisionEvent Parse(JsonElement data) =>
        new(
            EventJson.OptionalString(data, "code"),
            EventJson.Decimal(data, "cost"),
            EventJson.Effect(data),
            EventJson.OptionalString(data, "limit"),
            EventJson.String(data, "reason"),
            EventJson.OptionalString(data, "step"),
            EventJson.String(data, "tool"),
            EventJson.ReadUsage(EventJson.Member(data, "usage")));

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        EventJson.WriteOptional(writer, "code", Code);
        writer.WriteNumber("cost", Cost);
        writer.WriteString("effect", EventJson.EffectText(Effect));
        EventJson.WriteOptional(writer, "limit", Limit);
        writer.WriteString("reason", Reason);
        EventJson.WriteOptional(writer, "step", Step);
        writer.WriteString("tool", Tool);
        writer.WriteStartObject("usage");
        EventJson.WriteUsage(writer, Usage);
        writer.WriteEndObject();
    }
}
