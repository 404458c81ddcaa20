using Reach.Core.Engine;
using Reach.Core.Gates;

namespace Reach.Core.Transcripts.Events;

/// <summary><c>policy.decision</c>: what the policy gate (or the pin or declared-tools gate) decided about a call.</summary>
/// <param name="Code">The code of a denial, or of the denial warn mode waived.</param>
/// <param name="Effect">permit or deny.</param>
/// <param name="Mode">enforce or warn, when a policy bundle decided.</param>
/// <param name="Reason">Why.</param>
/// <param name="Rules">The deciding rule ids.</param>
/// <param name="Step">The step id, if the call has one.</param>
/// <param name="Tool">The tool.</param>
/// <param name="WouldDeny">True when warn mode waived a denial (written only when true).</param>
public sealed record PolicyDecisionEvent(string? Code, GateEffect Effect, string? Mode, string Reason, IReadOnlyList<string> Rules, string? Step, string Tool, bool WouldDeny) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.PolicyDecision);

    /// <inheritdoc/>
    public override string Type => EventTypes.PolicyDecision;

    internal override byte[] TypeToken => Token;

    /// <summary>The event recording <paramref name="decision"/> about a call of <paramref name="tool"/>.</summary>
    public static PolicyDecisionEvent Of(PolicyDecision decision, string? step, string tool)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new(decision.Code?.Code, decision.Effect, decision.Mode, decision.Reason, decision.Rules, step, tool, decision.WouldDeny);
    }

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static PolicyDecisionEvent Parse(JsonElement data) =>
        new(
            EventJson.OptionalString(data, "code"),
            EventJson.Effect(data),
            EventJson.OptionalString(data, "mode"),
            EventJson.String(data, "reason"),
            EventJson.Strings(data, "rules"),
            EventJson.OptionalString(data, "step"),
            EventJson.String(data, "tool"),
            EventJson.OptionalMember(data, "would_deny") is { ValueKind: JsonValueKind.True });

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        EventJson.WriteOptional(writer, "code", Code);
        writer.WriteString("effect", EventJson.EffectText(Effect));
        EventJson.WriteOptional(writer, "mode", Mode);
        writer.WriteString("reason", Reason);
        EventJson.WriteStrings(writer, "rules", Rules);
        EventJson.WriteOptional(writer, "step", Step);
        writer.WriteString("tool", Tool);
        if (WouldDeny)
        {
            writer.WriteBoolean("would_deny", true);
        }
    }
}
