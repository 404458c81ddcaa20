using Reach.Core.Gates;
using Reach.Policy.Calls;
using Reach.Policy.Compilation;
using Reach.Policy.Conditions;
using Reach.Policy.Evaluation;

namespace Reach.Policy.Testing;

/// <summary>
/// Runs policy tests. A suite is a directory holding <c>policy.json</c> and <c>tests/*.json</c>, each
/// <c>{"cases": [{"name", "call": {…}, "expect": "permit"|"deny", "rule"?, "rules"?, "code"?}]}</c>. A directory
/// without <c>policy.json</c> runs every subdirectory that has one.
/// </summary>
public static class PolicyTestRunner
{
    /// <summary>The suites under <paramref name="directory"/>: itself, or its subdirectories holding a policy.json.</summary>
    public static IReadOnlyList<string> FindSuites(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new ReachException(ErrorCatalog.PolicyTestInvalid, $"No directory at '{directory}'.");
        }

        if (File.Exists(Path.Combine(directory, "policy.json")))
        {
            return [directory];
        }

        var suites = new List<string>();
        foreach (var sub in Directory.EnumerateDirectories(directory))
        {
            if (File.Exists(Path.Combine(sub, "policy.json")))
            {
                suites.Add(sub);
            }
        }

        suites.Sort(StringComparer.Ordinal);
        return suites.Count > 0 ? suites : throw new ReachException(ErrorCatalog.PolicyTestInvalid, $"'{directory}' holds no policy.json, and neither does any directory in it.");
    }

    /// <summary>Runs the suite in <paramref name="directory"/>.</summary>
    public static PolicyTestReport Run(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var bundle = PolicyCompiler.LoadFile(Path.Combine(directory, "policy.json"));
        var cases = LoadCases(directory);
        return Run(directory, bundle, cases);
    }

    /// <summary>Runs <paramref name="cases"/> against <paramref name="bundle"/>.</summary>
    public static PolicyTestReport Run(string directory, PolicyBundle bundle, IReadOnlyList<PolicyTestCase> cases)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(cases);
        var results = new List<PolicyTestResult>(cases.Count);
        var matched = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<int, (bool True, bool False, ConditionOutcome Outcome)>();
        foreach (var testCase in cases)
        {
            var explanation = bundle.Explain(testCase.Call);
            foreach (var rule in explanation.Rules)
            {
                if (rule.Matched)
                {
                    matched.Add(rule.Rule.Id);
                }

                if (rule.Conditions is { } outcome)
                {
                    Record(outcome, seen);
                }
            }

            var decision = explanation.Decision;
            results.Add(new PolicyTestResult(testCase, Failure(testCase, decision) is null, decision, Failure(testCase, decision)));
        }

        var uncoveredRules = new List<string>();
        foreach (var rule in bundle.Rules)
        {
            if (!matched.Contains(rule.Id))
            {
                uncoveredRules.Add(rule.Id);
            }
        }

        var uncoveredConditions = new List<string>();
        var coveredConditions = 0;
        foreach (var rule in bundle.Rules)
        {
            rule.When?.Visit(condition =>
            {
                var (isTrue, isFalse, _) = seen.GetValueOrDefault(condition.Id);
                if (isTrue && isFalse)
                {
                    coveredConditions++;
                }
                else
                {
                    var missing = !isTrue && !isFalse ? "never evaluated" : isTrue ? "never false" : "never true";
                    uncoveredConditions.Add($"{condition.Pointer} ({condition.Text}): {missing}");
                }
            });
        }

        var coverage = new PolicyCoverage
        {
            Rules = bundle.Rules.Count,
            RulesCovered = bundle.Rules.Count - uncoveredRules.Count,
            UncoveredRules = uncoveredRules,
            Conditions = bundle.ConditionCount,
            ConditionsCovered = coveredConditions,
            UncoveredConditions = uncoveredConditions,
        };
        return new PolicyTestReport(directory, bundle.Id, bundle.Digest.ToString(), results, coverage);
    }

    /// <summary>Reads the cases of <c>tests/*.json</c> under <paramref name="directory"/>, in file-name order.</summary>
    public static IReadOnlyList<PolicyTestCase> LoadCases(string directory)
    {
        var tests = Path.Combine(directory, "tests");
        if (!Directory.Exists(tests))
        {
            throw new ReachException(ErrorCatalog.PolicyTestInvalid, $"'{directory}' has no tests directory.");
        }

        var files = new List<string>(Directory.EnumerateFiles(tests, "*.json"));
        files.Sort(StringComparer.Ordinal);
        var cases = new List<PolicyTestCase>();
        foreach (var file in files)
        {
            cases.AddRange(ParseFile(File.ReadAllBytes(file), Path.GetRelativePath(directory, file)));
        }

        return cases.Count > 0 ? cases : throw new ReachException(ErrorCatalog.PolicyTestInvalid, $"'{tests}' holds no test cases.");
    }

    /// <summary>Parses one test file.</summary>
    public static IReadOnlyList<PolicyTestCase> ParseFile(byte[] utf8, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException ex)
        {
            throw new ReachException(ErrorCatalog.PolicyTestInvalid, $"{source} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cases", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new ReachException(ErrorCatalog.PolicyTestInvalid, $"{source}: a test file is {{\"cases\": [ … ]}}.");
            }

            var cases = new List<PolicyTestCase>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var where = $"{source}#/cases/{index++}";
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("call", out var call) || !item.TryGetProperty("expect", out var expect)
                    || expect.GetString() is not ("permit" or "deny"))
                {
                    throw new ReachException(ErrorCatalog.PolicyTestInvalid, $"{where}: a case has \"call\" and \"expect\" (\"permit\" or \"deny\").");
                }

                var rules = new List<string>();
                var exact = item.TryGetProperty("rules", out var many);
                if (exact)
                {
                    foreach (var rule in many.EnumerateArray())
                    {
                        rules.Add(rule.GetString()!);
                    }
                }
                else if (item.TryGetProperty("rule", out var one))
                {
                    rules.Add(one.GetString()!);
                }

                cases.Add(new PolicyTestCase
                {
                    Name = item.TryGetProperty("name", out var name) ? name.GetString()! : where,
                    Source = where,
                    Call = CallFile.FromElement(call, where),
                    Expect = expect.GetString() == "permit" ? GateEffect.Permit : GateEffect.Deny,
                    Rules = rules,
                    ExactRules = exact,
                    Code = item.TryGetProperty("code", out var code) ? code.GetString() : null,
                });
            }

            return cases;
        }
    }

    private static string? Failure(PolicyTestCase testCase, PolicyDecision decision)
    {
        string Effect(GateEffect e) => e == GateEffect.Permit ? "permit" : "deny";
        var actual = $"{Effect(decision.Effect)} by [{string.Join(", ", decision.Rules)}]{(decision.Code is null ? string.Empty : " " + decision.Code.Code)}";
        if (decision.Effect != testCase.Expect)
        {
            return $"expected {Effect(testCase.Expect)}, got {actual}: {decision.Reason}";
        }

        foreach (var rule in testCase.Rules)
        {
            if (!decision.Rules.Contains(rule))
            {
                return $"expected rule '{rule}' to decide, got {actual}";
            }
        }

        if (testCase.ExactRules && testCase.Rules.Count != decision.Rules.Count)
        {
            return $"expected exactly [{string.Join(", ", testCase.Rules)}] to decide, got {actual}";
        }

        return testCase.Code is not null && testCase.Code != decision.Code?.Code ? $"expected code {testCase.Code}, got {actual}" : null;
    }

    private static void Record(ConditionOutcome outcome, Dictionary<int, (bool True, bool False, ConditionOutcome Outcome)> seen)
    {
        var (isTrue, isFalse, _) = seen.GetValueOrDefault(outcome.Id);
        seen[outcome.Id] = (isTrue || outcome.Result, isFalse || !outcome.Result, outcome);
        foreach (var child in outcome.Children)
        {
            Record(child, seen);
        }
    }
}
