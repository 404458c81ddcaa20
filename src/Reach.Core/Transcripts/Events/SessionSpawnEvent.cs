using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Packs;

namespace Reach.Core.Transcripts.Events;

/// <summary>
/// <c>session.spawn</c>: a runner session opened a child (a permit, with the child's budget and what it reserved of
/// this session's) or the spawn limits or the budget refused it (a deny, with the code, and the limit when the budget refused).
/// </summary>
/// <param name="At">When.</param>
/// <param name="Budget">The child's budgets (a permit only).</param>
/// <param name="Child">The child's id (a permit, and a deny that names one).</param>
/// <param name="Code">The code of a denial.</param>
/// <param name="Depth">The child's depth in the spawn tree.</param>
/// <param name="Effect">permit or deny.</param>
/// <param name="Limit">The limit that refused the spawn, if the budget did.</param>
/// <param name="Reason">Why.</param>
/// <param name="Reserved">What the child holds of this session's budget (a permit only).</param>
/// <param name="Tools">The tools the child was given.</param>
public sealed record SessionSpawnEvent(DateTimeOffset At, Budgets? Budget, string? Child, string? Code, long Depth, GateEffect Effect, string? Limit, string Reason, BudgetReservation? Reserved, IReadOnlyList<string> Tools) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.SessionSpawn);

    /// <inheritdoc/>
    public override string Type => EventTypes.SessionSpawn;

    internal override byte[] TypeToken => Token;

    /// <inheritdoc/>
    public override DateTimeOffset? ClockReading => At;

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static SessionSpawnEvent Parse(JsonElement data) =>
        new(
            EventJson.Time(data, "at"),
            EventJson.OptionalMember(data, "budget") is { } budget ? Budgets.Read(budget) : null,
            EventJson.OptionalString(data, "child"),
            EventJson.OptionalString(data, "code"),
            EventJson.Long(data, "depth"),
            EventJson.Effect(data),
            EventJson.OptionalString(data, "limit"),
            EventJson.String(data, "reason"),
            EventJson.OptionalMember(data, "reserved") is { } reserved ? EventJson.ReadReservation(reserved) : null,
            EventJson.Strings(data, "tools"));

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("at", EventJson.Timestamp(At));
        if (Budget is not null)
        {
            writer.WriteStartObject("budget");
            Budget.WriteMembers(writer);
            writer.WriteEndObject();
        }

        EventJson.WriteOptional(writer, "child", Child);
        EventJson.WriteOptional(writer, "code", Code);
        writer.WriteNumber("depth", Depth);
        writer.WriteString("effect", EventJson.EffectText(Effect));
        EventJson.WriteOptional(writer, "limit", Limit);
        writer.WriteString("reason", Reason);
        if (Reserved is { } reservation)
        {
            writer.WriteStartObject("reserved");
            EventJson.WriteReservation(writer, reservation);
            writer.WriteEndObject();
        }

        EventJson.WriteStrings(writer, "tools", Tools);
    }
}
