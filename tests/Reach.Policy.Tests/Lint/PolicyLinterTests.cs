using Reach.Core.Packs;
using Reach.Policy.Lint;

namespace Reach.Policy.Tests.Lint;

public class PolicyLinterTests
{
    private static IReadOnlyList<LintFinding> Lint(string rules, PackManifest? pack = null) =>
        PolicyLinter.Lint(Encoding.UTF8.GetBytes($$"""{"id":"t","version":"1","rules":{{rules}}}"""), pack);

    [Fact]
    public void A_permit_fully_shadowed_by_a_forbid_is_an_error()
    {
        var findings = Lint("""[{"id":"writes","effect":"permit","match":{"tools":["fs.write"]},"when":{"field":"args.path","op":"glob","value":"notes/**"}},{"id":"no-fs","effect":"forbid","match":{"tools":["fs.*"]}}]""");

        var finding = Assert.Single(findings, f => f.Check == "shadowed-permit");
        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Equal("writes", finding.RuleId);
        Assert.Equal("/rules/0", finding.Pointer);
    }

    [Fact]
    public void A_conditional_forbid_does_not_shadow()
    {
        var findings = Lint("""[{"id":"writes","effect":"permit","match":{"tools":["fs.write"]}},{"id":"no-secrets","effect":"forbid","match":{"tools":["fs.*"]},"when":{"field":"args.path","op":"glob","value":"**/.env"}}]""");

        Assert.DoesNotContain(findings, f => f.Check == "shadowed-permit");
    }

    [Fact]
    public void An_unconditional_permit_of_any_tool_is_over_broad()
    {
        var findings = Lint("""[{"id":"everything","effect":"permit"},{"id":"fs","effect":"permit","match":{"tools":["fs.*"]}},{"id":"reads","effect":"permit","match":{"tools":["fs.read"]}}]""");

        var broad = findings.Where(f => f.Check == "over-broad-permit").Select(f => f.RuleId).ToList();
        Assert.Equal(["everything", "fs"], broad);
        Assert.Contains("proc.exec", findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicates_never_matching_rules_and_bad_regexes_are_found()
    {
        var findings = Lint("""[{"id":"a","effect":"permit","match":{"tools":["echo"]}},{"id":"b","effect":"permit","match":{"tools":["echo"]}},{"id":"c","effect":"permit","when":{"all":[{"field":"tool","op":"eq","value":"x"},{"field":"tool","op":"eq","value":"y"}]}},{"id":"d","effect":"permit","when":{"field":"calls.echo","op":"lt","value":0}}]""");

        Assert.Contains(findings, f => f.Check == "duplicate-rule" && f.RuleId == "b");
        Assert.Contains(findings, f => f.Check == "never-matches" && f.RuleId == "c");
        Assert.Contains(findings, f => f.Check == "never-matches" && f.RuleId == "d");
        var regex = Lint("""[{"id":"r","effect":"permit","when":{"field":"args.x","op":"regex","value":"(a"}}]""");
        Assert.Equal("invalid-regex", Assert.Single(regex).Check);
        Assert.Equal("/rules/0/when/value", regex[0].Pointer);
    }

    [Fact]
    public void Tools_the_pack_does_not_declare_are_reported()
    {
        var pack = new PackManifest { Name = "p", Version = "1", Tools = [new ToolDeclaration { Name = "echo" }] };

        var findings = Lint("""[{"id":"a","effect":"permit","match":{"tools":["echo","fs.read"]}}]""", pack);

        var finding = Assert.Single(findings);
        Assert.Equal("undeclared-tool", finding.Check);
        Assert.Equal("/rules/0/match/tools/1", finding.Pointer);
    }

    [Fact]
    public void The_example_policies_lint_without_errors()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(Repository.Root, "policies")))
        {
            var findings = PolicyLinter.Lint(File.ReadAllBytes(Path.Combine(dir, "policy.json")));
            Assert.DoesNotContain(findings, f => f.Severity == LintSeverity.Error);
        }
    }
}
