using Reach.Policy.Testing;

namespace Reach.Cli.Commands;

/// <summary><c>reach policy test &lt;dir&gt;</c>: runs test cases; exit 1 on any failure.</summary>
internal static class PolicyTestCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var dir = new Argument<string>("dir") { Description = "A directory holding policy.json and tests/*.json, or a directory of such directories" };
        var junit = new Option<string?>("--junit") { Description = "Also write a JUnit XML report to FILE" };
        var coverage = new Option<bool>("--coverage") { Description = "Report which rules and conditions the cases exercised, and list the uncovered ones" };
        var command = new Command("test", "Run policy test cases: each a call, its context and the expected effect (and deciding rule).\n\nExample:\n  reach policy test policies --coverage")
        {
            dir, junit, coverage,
        };
        command.SetAction(parse => Execute(new CommandContext(parse, environment), parse.GetValue(dir)!, parse.GetValue(junit), parse.GetValue(coverage)));
        return command;
    }

    private static int Execute(CommandContext context, string dir, string? junit, bool coverage)
    {
        var reports = new List<PolicyTestReport>();
        foreach (var suite in PolicyTestRunner.FindSuites(dir))
        {
            reports.Add(PolicyTestRunner.Run(suite));
        }

        var passed = reports.Sum(r => r.Passed);
        var failed = reports.Sum(r => r.Failed);
        if (junit is not null)
        {
            using var stream = File.Create(junit);
            JUnitReport.Write(reports, stream);
        }

        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", failed == 0);
                w.WriteNumber("passed", passed);
                w.WriteNumber("failed", failed);
                w.WriteStartArray("suites");
                foreach (var report in reports)
                {
                    WriteSuite(w, report, coverage);
                }

                w.WriteEndArray();
                if (failed > 0)
                {
                    ReachApp.WriteError(w, ErrorCatalog.PolicyTestFailed, $"{failed} case(s) failed.");
                }
            });
            return failed == 0 ? 0 : 1;
        }

        var output = context.Environment.Output;
        foreach (var report in reports)
        {
            if (!context.Quiet)
            {
                output.WriteLine($"{report.BundleId} ({report.Directory}): {report.Passed} passed, {report.Failed} failed");
            }

            if (!context.Quiet)
            {
                foreach (var result in report.Results)
                {
                    if (!result.Passed)
                    {
                        output.WriteLine($"  FAIL {result.Case.Name} ({result.Case.Source}): {result.Failure}");
                    }
                }
            }

            if (coverage && !context.Quiet)
            {
                var c = report.Coverage;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  coverage: rules {c.RulesCovered}/{c.Rules} ({c.RulePercent}%), conditions {c.ConditionsCovered}/{c.Conditions} ({c.ConditionPercent}%, each seen true and false)"));
                foreach (var rule in c.UncoveredRules)
                {
                    output.WriteLine($"    uncovered rule {rule}");
                }

                foreach (var condition in c.UncoveredConditions)
                {
                    output.WriteLine($"    uncovered condition {condition}");
                }
            }
        }

        if (!context.Quiet)
        {
            output.WriteLine($"{passed} passed, {failed} failed");
        }

        // A failure is an error: on stderr with its code and fix, under --quiet too (then with the failed cases).
        if (failed > 0)
        {
            var error = context.Environment.Error;
            error.WriteLine($"error[{ErrorCatalog.PolicyTestFailed.Code}]: {failed} of {passed + failed} case{(passed + failed == 1 ? string.Empty : "s")} failed.");
            if (context.Quiet)
            {
                foreach (var result in reports.SelectMany(r => r.Results).Where(r => !r.Passed))
                {
                    error.WriteLine($"  FAIL {result.Case.Name} ({result.Case.Source}): {result.Failure}");
                }
            }

            error.WriteLine($"  fix: {ErrorCatalog.PolicyTestFailed.Fix}");
        }

        return failed == 0 ? 0 : 1;
    }

    private static void WriteSuite(Utf8JsonWriter w, PolicyTestReport report, bool coverage)
    {
        w.WriteStartObject();
        w.WriteString("bundle", report.BundleId);
        w.WriteString("digest", report.BundleDigest);
        w.WriteString("directory", report.Directory);
        w.WriteNumber("passed", report.Passed);
        w.WriteNumber("failed", report.Failed);
        w.WriteStartArray("cases");
        foreach (var result in report.Results)
        {
            w.WriteStartObject();
            w.WriteString("name", result.Case.Name);
            w.WriteString("source", result.Case.Source);
            w.WriteBoolean("passed", result.Passed);
            w.WriteString("effect", PolicyCommand.Effect(result.Decision.Effect));
            w.WriteStartArray("rules");
            foreach (var rule in result.Decision.Rules)
            {
                w.WriteStringValue(rule);
            }

            w.WriteEndArray();
            if (result.Failure is not null)
            {
                w.WriteString("failure", result.Failure);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (coverage)
        {
            var c = report.Coverage;
            w.WriteStartObject("coverage");
            w.WriteNumber("rules", c.Rules);
            w.WriteNumber("rules_covered", c.RulesCovered);
            w.WriteNumber("rule_percent", c.RulePercent);
            w.WriteStartArray("uncovered_rules");
            foreach (var rule in c.UncoveredRules)
            {
                w.WriteStringValue(rule);
            }

            w.WriteEndArray();
            w.WriteNumber("conditions", c.Conditions);
            w.WriteNumber("conditions_covered", c.ConditionsCovered);
            w.WriteNumber("condition_percent", c.ConditionPercent);
            w.WriteStartArray("uncovered_conditions");
            foreach (var condition in c.UncoveredConditions)
            {
                w.WriteStringValue(condition);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
