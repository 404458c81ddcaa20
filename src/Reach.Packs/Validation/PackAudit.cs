using Reach.Core.Packs;

namespace Reach.Packs.Validation;

/// <summary>What a pack can do once it runs, and the budgets that bound it: the facts a user decides on.</summary>
public sealed record PackAudit
{
    /// <summary>The capabilities, riskiest first.</summary>
    public required IReadOnlyList<Capability> Capabilities { get; init; }

    /// <summary>The highest risk among the capabilities; <see cref="RiskLevel.None"/> when the pack only computes.</summary>
    public required RiskLevel Risk { get; init; }

    /// <summary>The pack's budgets, or null when it has none.</summary>
    public Budgets? Budgets { get; init; }
}
