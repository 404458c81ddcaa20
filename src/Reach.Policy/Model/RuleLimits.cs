namespace Reach.Policy.Model;

/// <summary>
/// Per-run limits of a permit rule, counted over the calls so far of the tools its <c>match.tools</c> names (all tools
/// when it names none): a call that would pass either limit is denied by the rule.
/// </summary>
/// <param name="MaxCalls">At most this many calls of matching tools per run.</param>
/// <param name="MaxCost">At most this much declared cost of matching tools per run.</param>
public sealed record RuleLimits(long? MaxCalls, decimal? MaxCost);
