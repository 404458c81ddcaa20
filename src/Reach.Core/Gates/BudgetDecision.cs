using Reach.Core.Errors;

namespace Reach.Core.Gates;

/// <summary>The budget gate's decision on one call; only Core makes one, so a denial always carries its code.</summary>
public sealed record BudgetDecision
{
    internal BudgetDecision()
    {
    }

    /// <summary>Permit or deny.</summary>
    public required GateEffect Effect { get; init; }

    /// <summary>The limit that refused the call (max_steps, max_tool_calls, max_cost, max_duration), if any.</summary>
    public string? Limit { get; init; }

    /// <summary>Why, in words.</summary>
    public required string Reason { get; init; }

    /// <summary>The catalogue code of a denial; never null for a denial.</summary>
    public ErrorCode? Code { get; init; }

    /// <summary>The cost of the call.</summary>
    public decimal Cost { get; init; }

    /// <summary>The spend before the call.</summary>
    public BudgetUsage Before { get; init; }

    /// <summary>The denial the budget gate records when it cannot decide (it threw or timed out).</summary>
    public static BudgetDecision Failed(string reason, decimal cost) =>
        new() { Effect = GateEffect.Deny, Code = ErrorCatalog.BudgetGateFailed, Reason = reason, Cost = cost };
}
