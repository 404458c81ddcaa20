namespace Reach.Core.Gates;

/// <summary>What a run has spent so far.</summary>
/// <param name="Steps">Steps started.</param>
/// <param name="ToolCalls">Tool calls permitted.</param>
/// <param name="Cost">Cost of the permitted calls.</param>
/// <param name="Elapsed">Time since the run started, by the injected clock.</param>
public readonly record struct BudgetUsage(long Steps, long ToolCalls, decimal Cost, TimeSpan Elapsed);
