using Reach.Core.Engine;

namespace Reach.Core.Transcripts.Events;

/// <summary><c>tool.result</c>: a tool returned an output.</summary>
/// <param name="Effect">pure or recorded.</param>
/// <param name="Output">The output.</param>
/// <param name="Step">The step id, if the call has one.</param>
/// <param name="Tool">The tool.</param>
public sealed record ToolResultEvent(ToolEffect Effect, JsonElement Output, string? Step, string Tool) : TranscriptEvent
{
    private static readonly byte[] Token = TranscriptFormat.TypeToken(EventTypes.ToolResult);

    /// <inheritdoc/>
    public override string Type => EventTypes.ToolResult;

    internal override byte[] TypeToken => Token;

    /// <summary>Reads the data <see cref="TranscriptEvent.WriteData"/> wrote (REACH-1117 when a member is missing or mistyped).</summary>
    public static ToolResultEvent Parse(JsonElement data) =>
        new(ReadEffect(data), EventJson.Member(data, "output"), EventJson.OptionalString(data, "step"), EventJson.String(data, "tool"));

    /// <inheritdoc/>
    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("effect", EffectText(Effect));
        writer.WritePropertyName("output");
        Output.WriteTo(writer);
        EventJson.WriteOptional(writer, "step", Step);
        writer.WriteString("tool", Tool);
    }

    internal static string EffectText(ToolEffect effect) => effect == ToolEffect.Pure ? "pure" : "recorded";

    internal static ToolEffect ReadEffect(JsonElement data) => EventJson.String(data, "effect") switch
    {
        "pure" => ToolEffect.Pure,
        "recorded" => ToolEffect.Recorded,
        _ => throw EventJson.Malformed("effect", "is neither pure nor recorded"),
    };
}
