namespace Reach.Core.Engine;

/// <summary>A tool call as a driver proposes it to <see cref="RunSession.ProposeAsync"/>.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Input">The resolved input.</param>
/// <param name="StepId">The step's id (pack runs; a runner client may name one too).</param>
/// <param name="Index">The call's index in the session, from 0 (recorded as <c>step.started</c>'s <c>index</c>).</param>
public sealed record ProposedCall(string Tool, JsonElement Input, string? StepId, long Index)
{
    /// <summary>
    /// A pin refusal (<see cref="Gates.PinRefusals"/>) decided by the host before the gates, passed with this call: the
    /// MCP gateway's, when a runner records its session, or the recorded one on replay. The pipeline's first gate
    /// records it as its denial; it can only deny, never let a call through.
    /// </summary>
    public Gates.PolicyDecision? Refusal { get; init; }
}
