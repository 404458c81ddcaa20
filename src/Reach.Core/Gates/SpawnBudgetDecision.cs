using Reach.Core.Errors;
using Reach.Core.Packs;

namespace Reach.Core.Gates;

/// <summary>The budget gate's decision on a spawn: the child's budget, carved out of what the parent has left, or a refusal.</summary>
public sealed record SpawnBudgetDecision
{
    /// <summary>Permit or deny.</summary>
    public required GateEffect Effect { get; init; }

    /// <summary>The limit that refused the spawn (max_steps, max_tool_calls, max_cost, max_duration), if any.</summary>
    public string? Limit { get; init; }

    /// <summary>Why, in words.</summary>
    public required string Reason { get; init; }

    /// <summary>The catalogue code of a denial.</summary>
    public ErrorCode? Code { get; init; }

    /// <summary>The child's limits, when permitted.</summary>
    public Budgets? Child { get; init; }

    /// <summary>
    /// The clock reading the decision was made at: the child's time is counted from it
    /// (<see cref="Engine.SessionOptions.StartedAt"/>), so it cannot end after the parent's.
    /// </summary>
    public DateTimeOffset At { get; init; }

    /// <summary>What the parent reserves for the child, when permitted.</summary>
    public BudgetReservation Reserved { get; init; }
}
