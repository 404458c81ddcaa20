using Reach.Policy.Conditions;

namespace Reach.Policy.Model;

/// <summary>One compiled rule: an effect, what it matches, its conditions and limits.</summary>
public sealed record PolicyRule
{
    /// <summary>The rule's id, unique in its bundle.</summary>
    public required string Id { get; init; }

    /// <summary>Permit or forbid.</summary>
    public required RuleEffect Effect { get; init; }

    /// <summary>Its position in the bundle.</summary>
    public required int Index { get; init; }

    /// <summary>Its JSON pointer in the bundle, e.g. <c>/rules/3</c>.</summary>
    public required string Pointer { get; init; }

    /// <summary>What the rule is for, in words.</summary>
    public string? Description { get; init; }

    /// <summary>The reason given when this rule denies a call, written for whoever must act on it.</summary>
    public string? Message { get; init; }

    /// <summary>Tools, permissions and pack the rule applies to.</summary>
    public RuleMatch Match { get; init; } = new();

    /// <summary>Conditions over the arguments and the run's context; null always holds.</summary>
    public Condition? When { get; init; }

    /// <summary>Per-run limits (permit rules).</summary>
    public RuleLimits? Limits { get; init; }

    /// <summary>The canonical JSON of the rule's <c>when</c>, or null; equal texts mean equal conditions.</summary>
    public string? WhenText { get; init; }

    /// <summary>The canonical JSON of what decides the rule (effect, match, when, limits); equal shapes are duplicates.</summary>
    public string Shape { get; init; } = string.Empty;
}
