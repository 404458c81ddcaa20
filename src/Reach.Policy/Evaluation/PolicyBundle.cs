using System.Collections.Concurrent;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Policy.Model;

namespace Reach.Policy.Evaluation;

/// <summary>
/// A compiled bundle. Decides calls with Cedar's semantics: default deny; any matching forbid (or a permit rule whose
/// limit the call would pass) denies; otherwise a matching permit permits. Immutable and safe to share between runs
/// and threads; an allowed call decided by one permit rule allocates nothing.
/// </summary>
public sealed partial class PolicyBundle
{
    private const int MaxCachedTools = 4096;
    private readonly ConcurrentDictionary<string, int[]> _candidates = new(StringComparer.Ordinal);
    private readonly int[] _anyTool;
    private readonly PolicyDecision[][] _singlePermits;
    private readonly PolicyDecision[] _defaultDenyTemplate;

    internal PolicyBundle(string id, string version, string? description, PolicyRule[] rules, byte[] canonical, int conditions)
    {
        Id = id;
        Version = version;
        Description = description;
        Rules = rules;
        Canonical = canonical;
        Digest = Sha256Digest.Compute(canonical);
        ConditionCount = conditions;
        var anyTool = new List<int>();
        for (var i = 0; i < rules.Length; i++)
        {
            if (rules[i].Match.Tools.Length == 0)
            {
                anyTool.Add(i);
            }
        }

        _anyTool = [.. anyTool];
        _singlePermits = new PolicyDecision[2][];
        _defaultDenyTemplate = new PolicyDecision[2];
        foreach (var mode in (PolicyMode[])[PolicyMode.Enforce, PolicyMode.Warn])
        {
            var decisions = new PolicyDecision[rules.Length];
            for (var i = 0; i < rules.Length; i++)
            {
                var rule = rules[i];
                var reason = rule.Description is null ? $"Permitted by rule '{rule.Id}'." : $"Permitted by rule '{rule.Id}': {rule.Description}";
                decisions[i] = PolicyDecision.Permit(reason, rule.Id) with { Mode = PolicyModes.Name(mode) };
            }

            _singlePermits[(int)mode] = decisions;
            _defaultDenyTemplate[(int)mode] = PolicyDecision.Deny(ErrorCatalog.PolicyNoPermit, string.Empty) with { Mode = PolicyModes.Name(mode) };
        }
    }

    /// <summary>The bundle's id.</summary>
    public string Id { get; }

    /// <summary>The bundle's version.</summary>
    public string Version { get; }

    /// <summary>What the bundle is for.</summary>
    public string? Description { get; }

    /// <summary>The rules, in bundle order.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>SHA-256 of the bundle's RFC 8785 canonical form; recorded in each transcript header.</summary>
    public Sha256Digest Digest { get; }

    /// <summary>The bundle's canonical bytes.</summary>
    public ReadOnlyMemory<byte> Canonical { get; }

    /// <summary>How many conditions (comparisons, all, any, not) the rules hold.</summary>
    public int ConditionCount { get; }

    /// <summary>Decides one call.</summary>
    public PolicyDecision Decide(ToolCallRequest request, PolicyMode mode = PolicyMode.Enforce)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = CandidatesFor(request.Tool);
        var firstDeny = -1;
        var denyKind = Verdict.NotMatched;
        var denies = 0;
        var firstPermit = -1;
        var permits = 0;
        for (var c = 0; c < candidates.Length; c++)
        {
            var index = candidates[c];
            var verdict = Judge(Rules[index], request);
            if (verdict == Verdict.Permit)
            {
                permits++;
                firstPermit = firstPermit < 0 ? index : firstPermit;
            }
            else if (verdict != Verdict.NotMatched)
            {
                denies++;
                if (firstDeny < 0)
                {
                    firstDeny = index;
                    denyKind = verdict;
                }
            }
        }

        if (denies > 0)
        {
            return Waive(Deny(request, candidates, firstDeny, denyKind, denies), mode);
        }

        if (permits == 1)
        {
            return _singlePermits[(int)mode][firstPermit];
        }

        if (permits > 1)
        {
            var ids = new List<string>(permits);
            foreach (var index in candidates)
            {
                if (Judge(Rules[index], request) == Verdict.Permit)
                {
                    ids.Add(Rules[index].Id);
                }
            }

            ids.Sort(StringComparer.Ordinal);
            return PolicyDecision.Permit($"Permitted by rules {Quote(ids)}.") with { Rules = ids, Mode = PolicyModes.Name(mode) };
        }

        var reason = $"No rule of policy '{Id}@{Version}' permits the tool '{request.Tool}'; what no rule permits is denied.";
        return Waive(_defaultDenyTemplate[(int)mode] with { Reason = reason }, mode);
    }

    /// <summary>The verdict of one rule on one call.</summary>
    internal enum Verdict
    {
        NotMatched,
        Permit,
        Forbid,
        CallLimit,
        CostLimit,
    }

    /// <summary>Judges one rule: target, conditions, then limits.</summary>
    internal static Verdict Judge(PolicyRule rule, ToolCallRequest request)
    {
        if (!TargetMatches(rule.Match, request) || (rule.When is not null && !rule.When.Evaluate(request, null)))
        {
            return Verdict.NotMatched;
        }

        if (rule.Effect == RuleEffect.Forbid)
        {
            return Verdict.Forbid;
        }

        return rule.Limits is null ? Verdict.Permit : LimitVerdict(rule, request, out _, out _);
    }

    /// <summary>Whether the call would pass a limit of <paramref name="rule"/>, with the calls and cost so far.</summary>
    internal static Verdict LimitVerdict(PolicyRule rule, ToolCallRequest request, out long calls, out decimal cost)
    {
        calls = 0;
        cost = 0;
        var tallies = request.Tallies;
        for (var i = 0; i < tallies.Count; i++)
        {
            var tally = tallies[i];
            if (rule.Match.Tools.Length == 0 || GlobPattern.AnyMatch(rule.Match.Tools, tally.Tool))
            {
                calls += tally.Calls;
                cost += tally.Cost;
            }
        }

        var limits = rule.Limits!;
        if (limits.MaxCalls is { } maxCalls && calls + 1 > maxCalls)
        {
            return Verdict.CallLimit;
        }

        return limits.MaxCost is { } maxCost && cost + (request.Declaration?.Cost ?? 0m) > maxCost ? Verdict.CostLimit : Verdict.Permit;
    }

    /// <summary>Whether the tools, permissions and pack of <paramref name="match"/> fit the call.</summary>
    internal static bool TargetMatches(RuleMatch match, ToolCallRequest request)
    {
        if (match.Permissions.Length > 0)
        {
            var any = false;
            var needed = request.RequiredPermissions;
            for (var i = 0; i < needed.Count && !any; i++)
            {
                any = GlobPattern.AnyMatch(match.Permissions, needed[i]);
            }

            if (!any)
            {
                return false;
            }
        }

        if (match.OnlyPermissions is { } only)
        {
            var needed = request.RequiredPermissions;
            for (var i = 0; i < needed.Count; i++)
            {
                if (!GlobPattern.AnyMatch(only, needed[i]))
                {
                    return false;
                }
            }
        }

        return (match.PackNames.Length == 0 || GlobPattern.AnyMatch(match.PackNames, request.Pack.Name))
            && (match.PackVersions.Length == 0 || GlobPattern.AnyMatch(match.PackVersions, request.Pack.Version))
            && (match.Signers.Length == 0 || (request.SignerKeyId is { } signer && GlobPattern.AnyMatch(match.Signers, signer)));
    }

    /// <summary>The rules whose <c>match.tools</c> admit <paramref name="tool"/>, in bundle order; memoized per tool name.</summary>
    internal int[] CandidatesFor(string tool)
    {
        if (_candidates.TryGetValue(tool, out var cached))
        {
            return cached;
        }

        var list = new List<int>();
        for (var i = 0; i < Rules.Count; i++)
        {
            var tools = Rules[i].Match.Tools;
            if (tools.Length == 0 || GlobPattern.AnyMatch(tools, tool))
            {
                list.Add(i);
            }
        }

        int[] result = list.Count == _anyTool.Length ? _anyTool : [.. list];
        if (_candidates.Count < MaxCachedTools)
        {
            _candidates.TryAdd(tool, result);
        }

        return result;
    }

    private PolicyDecision Deny(ToolCallRequest request, int[] candidates, int first, Verdict kind, int count)
    {
        var ids = new List<string>(count);
        foreach (var index in candidates)
        {
            if (Judge(Rules[index], request) is not (Verdict.NotMatched or Verdict.Permit))
            {
                ids.Add(Rules[index].Id);
            }
        }

        var rule = Rules[first];
        var code = kind switch
        {
            Verdict.Forbid => ErrorCatalog.PolicyForbidden,
            Verdict.CallLimit => ErrorCatalog.PolicyCallLimit,
            _ => ErrorCatalog.PolicyCostLimit,
        };
        var reason = DenialReason(rule, kind, request);
        if (count > 1)
        {
            reason += $" ({count - 1} more rule{(count > 2 ? "s" : string.Empty)} also deny: {Quote(ids.GetRange(1, ids.Count - 1))}.)";
        }

        return PolicyDecision.Deny(code, reason, [.. ids]);
    }

    /// <summary>The reason a rule gives for denying a call.</summary>
    internal string DenialReason(PolicyRule rule, Verdict kind, ToolCallRequest request)
    {
        if (kind == Verdict.Forbid)
        {
            return rule.Message ?? $"Rule '{rule.Id}' of policy '{Id}' forbids the tool '{request.Tool}'{(rule.Description is null ? "." : ": " + rule.Description)}";
        }

        LimitVerdict(rule, request, out var calls, out var cost);
        var scope = rule.Match.Tools.Length == 0 ? "any tool" : string.Join(", ", (IEnumerable<GlobPattern>)rule.Match.Tools);
        var limit = kind == Verdict.CallLimit
            ? $"Rule '{rule.Id}' allows at most {rule.Limits!.MaxCalls} call(s) of {scope} per run; this would be call {calls + 1}."
            : $"Rule '{rule.Id}' allows a cost of at most {Format(rule.Limits!.MaxCost!.Value)} for {scope} per run; this call costs {Format(request.Declaration?.Cost ?? 0m)}, which would bring it to {Format(cost + (request.Declaration?.Cost ?? 0m))}.";
        return rule.Message is null ? limit : $"{rule.Message} ({limit})";
    }

    private static PolicyDecision Waive(PolicyDecision denial, PolicyMode mode) => mode == PolicyMode.Enforce
        ? denial with { Mode = "enforce" }
        : denial.Waive($"Warn mode: this call would have been denied, and was permitted. {denial.Reason}");

    private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(List<string> ids) => "'" + string.Join("', '", ids) + "'";
}
