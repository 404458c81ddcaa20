using Reach.Core.Engine;
using Reach.Core.Gates;

namespace Reach.Core.Transcripts.Events;

/// <summary><c>session.return</c>: a child closed; what it did not use of its reservation came back.</summary>
/// <param name="At">When.</param>
/// <param name="Child">The child's id.</param>
/// <param name="Returned">What came back to this session's budget.</param>
/// <param name="Used">What the child spent.</param>
public sealed record SessionReturnEvent(DateTimeOffset At, string Child, BudgetReservation Returned, BudgetUsage Used) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.SessionReturn);

    /// <inheritdoc/>
    public override string Type => EventTypes.SessionReturn;

    internal override byte[] TypeToken => Token;

    /// <inheritdoc/>
    public override DateTimeOffset? ClockReading => At;

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static SessionReturnEvent Parse(JsonElement data) =>
        new(EventJson.Time(data, "at"), EventJson.String(data, "child"), EventJson.ReadReservation(EventJson.Member(data, "returned")), EventJson.ReadUsage(EventJson.Member(data, "used")));

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("at", EventJson.Timestamp(At));
        writer.WriteString("child", Child);
        writer.WriteStartObject("returned");
        EventJson.WriteReservation(writer, Returned);
        writer.WriteEndObject();
        writer.WriteStartObject("used");
        EventJson.WriteUsage(writer, Used);
        writer.WriteEndObject();
    }
}
