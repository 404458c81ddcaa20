using Reach.Core.Gates;
using Reach.Policy.Conditions;
using Reach.Policy.Model;

namespace Reach.Policy.Explain;

/// <summary>Why a call was decided as it was: every rule considered, matched or not, and the decision.</summary>
/// <param name="Decision">The decision, exactly as the gate makes it.</param>
/// <param name="Rules">Every rule of the bundle, in order.</param>
public sealed record DecisionExplanation(PolicyDecision Decision, IReadOnlyList<RuleExplanation> Rules);

/// <summary>How one rule fared on one call.</summary>
public sealed record RuleExplanation
{
    /// <summary>The rule.</summary>
    public required PolicyRule Rule { get; init; }

    /// <summary>What the rule did: <c>permits</c>, <c>forbids</c>, <c>limit exceeded</c>, or <c>not matched</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>True when its target and conditions held.</summary>
    public required bool Matched { get; init; }

    /// <summary>True when the rule is one of the decision's deciding rules.</summary>
    public required bool Decisive { get; init; }

    /// <summary>Each part of the target (tools, permissions, pack) the rule names, and whether it held.</summary>
    public required IReadOnlyList<TargetCheck> Target { get; init; }

    /// <summary>How its conditions evaluated (every part), or null when it has none or its target did not match.</summary>
    public ConditionOutcome? Conditions { get; init; }

    /// <summary>The first comparison that was false, depth first: the condition that failed (or, under a not, that made it hold).</summary>
    public ConditionOutcome? FailedCondition { get; init; }

    /// <summary>The limit's state, for a rule with limits whose target and conditions held.</summary>
    public string? Limit { get; init; }
}

/// <summary>One part of a rule's target and how it compared with the call.</summary>
/// <param name="Part">tools, permissions, only_permissions, pack.name, pack.version or pack.signer.</param>
/// <param name="Expected">The rule's patterns.</param>
/// <param name="Actual">The call's value.</param>
/// <param name="Held">Whether the part matched.</param>
public sealed record TargetCheck(string Part, string Expected, string Actual, bool Held);
