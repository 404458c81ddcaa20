using Reach.Core.Engine;

namespace Reach.Core.Transcripts.Events;

/// <summary><c>tool.error</c>: a tool failed.</summary>
/// <param name="Code">The failure's code.</param>
/// <param name="Effect">pure or recorded.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Step">The step id, if the call has one.</param>
/// <param name="Tool">The tool.</param>
public sealed record ToolErrorEvent(string Code, ToolEffect Effect, string Message, string? Step, string Tool) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.ToolError);

    /// <inheritdoc/>
    public override string Type => EventTypes.ToolError;

    internal override byte[] TypeToken => Token;

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static ToolErrorEvent Parse(JsonElement data) =>
        new(EventJson.String(data, "code"), ToolResultEvent.ReadEffect(data), EventJson.String(data, "message"), EventJson.OptionalString(data, "step"), EventJson.String(data, "tool"));

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("code", Code);
        writer.WriteString("effect", ToolResultEvent.EffectText(Effect));
        writer.WriteString("message", Message);
        EventJson.WriteOptional(writer, "step", Step);
        writer.WriteString("tool", Tool);
    }
}
