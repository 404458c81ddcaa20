using Reach.Core.Gates;
using Reach.Policy.Testing;

namespace Reach.Policy.Tests.Testing;

public class PolicyTestRunnerTests
{
    [Fact]
    public void Every_example_policy_passes_its_tests_with_full_rule_coverage()
    {
        var suites = PolicyTestRunner.FindSuites(Path.Combine(Repository.Root, "policies"));

        Assert.Equal(5, suites.Count);
        foreach (var suite in suites)
        {
            var report = PolicyTestRunner.Run(suite);
            Assert.True(report.Failed == 0, string.Join("\n", report.Results.Where(r => !r.Passed).Select(r => $"{r.Case.Source}: {r.Failure}")));
            Assert.Equal(100.0, report.Coverage.RulePercent);
            Assert.Empty(report.Coverage.UncoveredRules);
        }
    }

    [Fact]
    public void A_wrong_expectation_fails_and_coverage_lists_the_uncovered_rule()
    {
        var bundle = PolicyTestData.Compile("""[{"id":"echo","effect":"permit","match":{"tools":["echo"]}},{"id":"never","effect":"forbid","match":{"tools":["rm"]}}]""");
        var cases = PolicyTestRunner.ParseFile(Encoding.UTF8.GetBytes("""{"cases":[{"name":"ok","call":{"tool":"echo"},"expect":"permit","rule":"echo"},{"name":"wrong","call":{"tool":"echo"},"expect":"deny"}]}"""), "t.json");

        var report = PolicyTestRunner.Run("t", bundle, cases);

        Assert.Equal(1, report.Passed);
        Assert.Equal(1, report.Failed);
        Assert.StartsWith("expected deny, got permit", report.Results[1].Failure, StringComparison.Ordinal);
        Assert.Equal(["never"], report.Coverage.UncoveredRules);
        Assert.Equal(50.0, report.Coverage.RulePercent);
        Assert.Equal(GateEffect.Permit, report.Results[1].Decision.Effect);
    }

    [Fact]
    public void JUnit_output_counts_tests_and_failures()
    {
        var bundle = PolicyTestData.Compile("""[{"id":"echo","effect":"permit","match":{"tools":["echo"]}}]""");
        var cases = PolicyTestRunner.ParseFile(Encoding.UTF8.GetBytes("""{"cases":[{"name":"bad","call":{"tool":"rm"},"expect":"permit"}]}"""), "t.json");
        using var stream = new MemoryStream();

        JUnitReport.Write([PolicyTestRunner.Run("t", bundle, cases)], stream);

        var xml = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("tests=\"1\" failures=\"1\"", xml, StringComparison.Ordinal);
        Assert.Contains("<failure message=\"expected permit", xml, StringComparison.Ordinal);
    }
}
