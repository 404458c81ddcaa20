using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Policy.Compilation;
using Reach.Policy.Conditions;
using Reach.Policy.Evaluation;
using Reach.Policy.Model;

namespace Reach.Policy.Lint;

/// <summary>
/// Finds what makes a bundle wrong or misleading: compile errors (schema, operators, fields, regular expressions) with
/// their pointers, rules that can never match, permits fully shadowed by a forbid, duplicate rules, tools the given
/// pack does not declare, and over-broad permits (any side-effecting tool, unconditionally).
/// </summary>
public static class PolicyLinter
{
    private static readonly string[] SideEffectingTools = ["fs.write", "proc.exec", "http.get"];

    /// <summary>Lints a bundle's bytes, optionally against the pack it is meant for.</summary>
    public static IReadOnlyList<LintFinding> Lint(ReadOnlySpan<byte> utf8, PackManifest? pack = null)
    {
        var bundle = PolicyCompiler.TryCompile(utf8, out var errors);
        if (bundle is null)
        {
            var findings = new List<LintFinding>();
            foreach (var error in errors)
            {
                var check = error.Error == ErrorCatalog.PolicyBundleInvalid ? "schema" : error.Error == ErrorCatalog.PolicyInvalidRegex ? "invalid-regex" : "compile";
                findings.Add(new LintFinding(LintSeverity.Error, check, error.Pointer, null, error.Position is { } at ? $"{at}: {error.Message}" : error.Message, error.Error.Code));
            }

            return findings;
        }

        return Lint(bundle, pack);
    }

    /// <summary>Lints a compiled bundle.</summary>
    public static IReadOnlyList<LintFinding> Lint(PolicyBundle bundle, PackManifest? pack = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var findings = new List<LintFinding>();
        var rules = bundle.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (NeverMatches(rule) is { } why)
            {
                findings.Add(new(LintSeverity.Error, "never-matches", rule.Pointer, rule.Id, $"Rule '{rule.Id}' can never match: {why}."));
            }

            for (var j = 0; j < i; j++)
            {
                if (rules[j].Shape == rule.Shape)
                {
                    findings.Add(new(LintSeverity.Error, "duplicate-rule", rule.Pointer, rule.Id, $"Rule '{rule.Id}' repeats rule '{rules[j].Id}' ({rules[j].Pointer}): same effect, match, conditions and limits. Remove one."));
                    break;
                }
            }

            if (rule.Effect == RuleEffect.Permit)
            {
                foreach (var forbid in rules)
                {
                    if (forbid.Effect == RuleEffect.Forbid && Covers(forbid, rule))
                    {
                        findings.Add(new(LintSeverity.Error, "shadowed-permit", rule.Pointer, rule.Id, $"Permit '{rule.Id}' can never permit anything: forbid '{forbid.Id}' ({forbid.Pointer}) matches every call it matches. Narrow the forbid or remove the permit."));
                        break;
                    }
                }

                if (OverBroad(rule) is { } tools)
                {
                    findings.Add(new(LintSeverity.Warning, "over-broad-permit", rule.Pointer, rule.Id, $"Permit '{rule.Id}' admits side-effecting tools ({tools}) with no condition. Name the tools it is for, or add conditions."));
                }
            }
            else if (rule.Limits is not null)
            {
                findings.Add(new(LintSeverity.Warning, "limits-on-forbid", rule.Pointer + "/limits", rule.Id, $"Limits on forbid '{rule.Id}' have no effect; limits belong on permit rules."));
            }

            if (pack is not null)
            {
                UndeclaredTools(rule, pack, findings);
            }
        }

        return findings;
    }

    private static string? NeverMatches(PolicyRule rule)
    {
        var match = rule.Match;
        if (match.OnlyPermissions is { Length: 0 } && match.Permissions.Length > 0)
        {
            return "it needs a tool with one of its permissions, yet only_permissions is empty (only tools that need none)";
        }

        if (match.OnlyPermissions is { Length: > 0 } only && match.Permissions.Length > 0 && Array.TrueForAll(match.Permissions, p => !Array.Exists(only, o => Overlap(o, p))))
        {
            return "no permission in match.permissions is allowed by only_permissions";
        }

        return rule.When is null ? null : Contradiction(rule.When);
    }

    // Statically false conditions: a count compared below zero, or two different values required of one field by all.
    private static string? Contradiction(Condition condition)
    {
        switch (condition)
        {
            case ComparisonCondition c when c.Field.Type == FieldType.Number && c.Field.Root is not FieldRoot.Cost && c.Value is { ValueKind: JsonValueKind.Number } v
                && ((c.Operator == ComparisonOperator.Lt && v.GetDouble() <= 0) || (c.Operator == ComparisonOperator.Le && v.GetDouble() < 0)):
                return $"{c.Text} is never true (counts and usage are never negative) at {c.Pointer}";
            case JunctionCondition { IsAll: true } all:
                var required = new Dictionary<string, ComparisonCondition>(StringComparer.Ordinal);
                foreach (var part in all.Parts)
                {
                    if (Contradiction(part) is { } inner)
                    {
                        return inner;
                    }

                    if (part is ComparisonCondition { Operator: ComparisonOperator.Eq, Value: { } value } eq && eq.Field.Type != FieldType.TextList && value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
                    {
                        if (required.TryGetValue(eq.Field.Text, out var other) && !JsonElement.DeepEquals(other.Value!.Value, value))
                        {
                            return $"it requires {other.Text} and {eq.Text} at once ({other.Pointer}, {eq.Pointer})";
                        }

                        required[eq.Field.Text] = eq;
                    }
                }

                return null;
            case JunctionCondition any:
                foreach (var part in any.Parts)
                {
                    if (Contradiction(part) is null)
                    {
                        return null;
                    }
                }

                return any.Parts.Count > 0 ? $"every part of the any at {any.Pointer} is never true" : null;
            default:
                return null;
        }
    }

    // A forbid covers a permit when it is unconditional (or has the very same conditions) and its target includes the permit's.
    private static bool Covers(PolicyRule forbid, PolicyRule permit)
    {
        if (forbid.When is not null && forbid.WhenText != permit.WhenText)
        {
            return false;
        }

        var f = forbid.Match;
        var p = permit.Match;
        return Includes(f.Tools, p.Tools) && (Includes(f.Permissions, p.Permissions) || ToolsNeedOneOf(p.Tools, f.Permissions))
            && (f.OnlyPermissions is null || (p.OnlyPermissions is not null && Includes(f.OnlyPermissions, p.OnlyPermissions)))
            && Includes(f.PackNames, p.PackNames) && Includes(f.PackVersions, p.PackVersions) && Includes(f.Signers, p.Signers);
    }

    // True when every tool is a literal built-in tool that needs a permission matching one of the patterns.
    private static bool ToolsNeedOneOf(GlobPattern[] tools, GlobPattern[] permissions) =>
        tools.Length > 0 && Array.TrueForAll(tools, t => t.IsLiteral && ToolRegistry.BuiltIn.Find(t.Text) is { } tool && Exists(tool.RequiredPermissions, permissions));

    private static bool Exists(IReadOnlyList<string> values, GlobPattern[] patterns)
    {
        foreach (var value in values)
        {
            if (GlobPattern.AnyMatch(patterns, value))
            {
                return true;
            }
        }

        return false;
    }

    // Does the set of names `outer` admits include every name `inner` admits? Empty admits everything.
    private static bool Includes(GlobPattern[] outer, GlobPattern[] inner)
    {
        if (outer.Length == 0)
        {
            return true;
        }

        if (Array.Exists(outer, o => o.Text is "*" or "**"))
        {
            return true;
        }

        return inner.Length > 0 && Array.TrueForAll(inner, i => Array.Exists(outer, o => o.Text == i.Text || (i.IsLiteral && o.IsMatch(i.Text))));
    }

    private static bool Overlap(GlobPattern a, GlobPattern b) =>
        a.Text == b.Text || (a.IsLiteral && b.IsMatch(a.Text)) || (b.IsLiteral && a.IsMatch(b.Text)) || (!a.IsLiteral && !b.IsLiteral);

    private static string? OverBroad(PolicyRule rule)
    {
        if (rule.When is not null)
        {
            return null;
        }

        var admitted = new List<string>();
        foreach (var tool in SideEffectingTools)
        {
            var needed = ToolRegistry.BuiltIn.Find(tool)!.RequiredPermissions;
            var match = rule.Match;
            var toolOk = match.Tools.Length == 0 || Array.Exists(match.Tools, t => !t.IsLiteral && t.IsMatch(tool));
            var permissionsOk = match.Permissions.Length == 0 || Array.Exists(match.Permissions, p => !p.IsLiteral && Exists(needed, p));
            var onlyOk = match.OnlyPermissions is null || Array.TrueForAll([.. needed], n => GlobPattern.AnyMatch(match.OnlyPermissions, n));
            if (toolOk && permissionsOk && onlyOk)
            {
                admitted.Add(tool);
            }
        }

        return admitted.Count == 0 ? null : string.Join(", ", admitted);
    }

    private static bool Exists(IReadOnlyList<string> values, GlobPattern pattern)
    {
        foreach (var value in values)
        {
            if (pattern.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }

    private static void UndeclaredTools(PolicyRule rule, PackManifest pack, List<LintFinding> findings)
    {
        for (var i = 0; i < rule.Match.Tools.Length; i++)
        {
            var pattern = rule.Match.Tools[i];
            var declared = false;
            foreach (var tool in pack.Tools)
            {
                declared |= pattern.IsMatch(tool.Name);
            }

            if (!declared)
            {
                findings.Add(new(LintSeverity.Warning, "undeclared-tool", $"{rule.Pointer}/match/tools/{i}", rule.Id, $"Rule '{rule.Id}' names '{pattern.Text}', which the pack '{pack.Name}' does not declare; that pattern never matches the pack's calls."));
            }
        }
    }
}
