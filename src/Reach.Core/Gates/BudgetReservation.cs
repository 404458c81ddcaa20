namespace Reach.Core.Gates;

/// <summary>
/// The part of a session's budget it handed to a child at spawn: counted as spent by the parent until the child
/// closes and gives back what it did not use. Only the dimensions the parent limits are reserved (0 elsewhere); time
/// is a deadline, not a pool, so it is never reserved.
/// </summary>
/// <param name="Steps">Steps reserved.</param>
/// <param name="ToolCalls">Tool calls reserved.</param>
/// <param name="Cost">Cost reserved.</param>
public readonly record struct BudgetReservation(long Steps, long ToolCalls, decimal Cost)
{
    /// <summary>What a child that spent <paramref name="used"/> gives back of this reservation (never below 0).</summary>
    public BudgetReservation Unused(BudgetUsage used) =>
        new(Math.Max(0, Steps - used.Steps), Math.Max(0, ToolCalls - used.ToolCalls), Math.Max(0m, Cost - used.Cost));
}
