using Reach.Core.Gates;
using Reach.Policy.Conditions;
using Reach.Policy.Explain;
using Reach.Policy.Model;

namespace Reach.Policy.Evaluation;

public sealed partial class PolicyBundle
{
    /// <summary>
    /// Explains one call: the decision <see cref="Decide"/> makes, and for every rule its target checks, every condition
    /// with the value it saw, the first failed condition and the limit's state. Slower than deciding; for people.
    /// </summary>
    public DecisionExplanation Explain(ToolCallRequest request, PolicyMode mode = PolicyMode.Enforce)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decision = Decide(request, mode);
        var decisive = new HashSet<string>(decision.Rules, StringComparer.Ordinal);
        var rules = new List<RuleExplanation>(Rules.Count);
        foreach (var rule in Rules)
        {
            var target = Target(rule.Match, request);
            var targetHeld = true;
            foreach (var check in target)
            {
                targetHeld &= check.Held;
            }

            ConditionOutcome? conditions = null;
            if (rule.When is not null)
            {
                var trace = new List<ConditionOutcome>(1);
                rule.When.Evaluate(request, trace);
                conditions = trace[0];
            }

            var matched = targetHeld && (conditions?.Result ?? true);
            var verdict = matched ? Judge(rule, request) : Verdict.NotMatched;
            string? limit = null;
            if (matched && rule.Limits is not null && rule.Effect == RuleEffect.Permit)
            {
                LimitVerdict(rule, request, out var calls, out var cost);
                limit = $"{calls} call(s) costing {Format(cost)} so far; this call costs {Format(request.Declaration?.Cost ?? 0m)}; limits: max_calls {rule.Limits.MaxCalls?.ToString(CultureInfo.InvariantCulture) ?? "none"}, max_cost {(rule.Limits.MaxCost is { } m ? Format(m) : "none")}";
            }

            rules.Add(new RuleExplanation
            {
                Rule = rule,
                Verdict = verdict switch
                {
                    Verdict.Permit => "permits",
                    Verdict.Forbid => "forbids",
                    Verdict.CallLimit => "max_calls exceeded",
                    Verdict.CostLimit => "max_cost exceeded",
                    _ => "not matched",
                },
                Matched = matched,
                Decisive = decisive.Contains(rule.Id),
                Target = target,
                Conditions = targetHeld ? conditions : null,
                FailedCondition = targetHeld && conditions is not null ? FirstFalse(conditions) : null,
                Limit = limit,
            });
        }

        return new DecisionExplanation(decision, rules);
    }

    private static ConditionOutcome? FirstFalse(ConditionOutcome outcome)
    {
        if (outcome.Children.Count == 0)
        {
            return outcome.Result ? null : outcome;
        }

        foreach (var child in outcome.Children)
        {
            if (FirstFalse(child) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static List<TargetCheck> Target(RuleMatch match, ToolCallRequest request)
    {
        var checks = new List<TargetCheck>();
        if (match.Tools.Length > 0)
        {
            checks.Add(new("tools", List(match.Tools), request.Tool, GlobPattern.AnyMatch(match.Tools, request.Tool)));
        }

        var needed = "[" + string.Join(", ", request.RequiredPermissions) + "]";
        if (match.Permissions.Length > 0)
        {
            var any = false;
            foreach (var permission in request.RequiredPermissions)
            {
                any |= GlobPattern.AnyMatch(match.Permissions, permission);
            }

            checks.Add(new("permissions", List(match.Permissions), needed, any));
        }

        if (match.OnlyPermissions is { } only)
        {
            var all = true;
            foreach (var permission in request.RequiredPermissions)
            {
                all &= GlobPattern.AnyMatch(only, permission);
            }

            checks.Add(new("only_permissions", List(only), needed, all));
        }

        if (match.PackNames.Length > 0)
        {
            checks.Add(new("pack.name", List(match.PackNames), request.Pack.Name, GlobPattern.AnyMatch(match.PackNames, request.Pack.Name)));
        }

        if (match.PackVersions.Length > 0)
        {
            checks.Add(new("pack.version", List(match.PackVersions), request.Pack.Version, GlobPattern.AnyMatch(match.PackVersions, request.Pack.Version)));
        }

        if (match.Signers.Length > 0)
        {
            var signer = request.SignerKeyId;
            checks.Add(new("pack.signer", List(match.Signers), signer ?? "(unsigned)", signer is not null && GlobPattern.AnyMatch(match.Signers, signer)));
        }

        return checks;
    }

    private static string List(GlobPattern[] patterns) => "[" + string.Join(", ", (IEnumerable<GlobPattern>)patterns) + "]";
}
