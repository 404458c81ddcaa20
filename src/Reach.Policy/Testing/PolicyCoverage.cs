namespace Reach.Policy.Testing;

/// <summary>
/// What a suite's cases exercised: a rule is covered when some case matched it (target and conditions held); a
/// condition is covered when cases saw it both true and false.
/// </summary>
public sealed record PolicyCoverage
{
    /// <summary>Rules in the bundle.</summary>
    public required int Rules { get; init; }

    /// <summary>Rules some case matched.</summary>
    public required int RulesCovered { get; init; }

    /// <summary>The ids of rules no case matched.</summary>
    public required IReadOnlyList<string> UncoveredRules { get; init; }

    /// <summary>Conditions in the bundle.</summary>
    public required int Conditions { get; init; }

    /// <summary>Conditions seen both true and false.</summary>
    public required int ConditionsCovered { get; init; }

    /// <summary>Conditions not seen both ways: pointer, text, and which outcome is missing.</summary>
    public required IReadOnlyList<string> UncoveredConditions { get; init; }

    /// <summary>Rule coverage in percent (100 for a bundle without rules).</summary>
    public double RulePercent => Rules == 0 ? 100 : Math.Round(100.0 * RulesCovered / Rules, 1);

    /// <summary>Condition coverage in percent (100 for a bundle without conditions).</summary>
    public double ConditionPercent => Conditions == 0 ? 100 : Math.Round(100.0 * ConditionsCovered / Conditions, 1);
}
