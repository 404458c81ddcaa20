namespace Reach.Core.Gates;

/// <summary>How often one tool was called (permitted by both gates) in a run so far, and what those calls cost.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Calls">Permitted calls.</param>
/// <param name="Cost">Their declared cost.</param>
public readonly record struct ToolTally(string Tool, long Calls, decimal Cost);
