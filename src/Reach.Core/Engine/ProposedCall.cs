namespace Reach.Core.Engine;

/// <summary>A tool call as a driver proposes it to <see cref="RunSession.ProposeAsync"/>.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Input">The resolved input.</param>
/// <param name="StepId">The step's id (pack runs; a runner client may name one too).</param>
/// <param name="Index">The call's index in the session, from 0 (recorded as <c>step.started</c>'s <c>index</c>).</param>
public sealed record ProposedCall(string Tool, JsonElement Input, string? StepId, long Index);
