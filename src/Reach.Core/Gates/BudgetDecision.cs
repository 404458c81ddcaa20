using Reach.Core.Errors;

namespace Reach.Core.Gates;

/// <summary>The budget gate's decision on one call.</summary>
public sealed record BudgetDecision
{
    /// <summary>Permit or deny.</summary>
    public required GateEffect Effect { get; init; }

    /// <summary>The limit that refused the call (max_steps, max_tool_calls, max_cost, max_duration), if any.</summary>
    public string? Limit { get; init; }

    /// <summary>Why, in words.</summary>
    public required string Reason { get; init; }

    /// <summary>The catalogue code of a denial.</summary>
    public ErrorCode? Code { get; init; }

    /// <summary>The cost of the call.</summary>
    public decimal Cost { get; init; }

    /// <summary>The spend before the call.</summary>
    public BudgetUsage Before { get; init; }
}
