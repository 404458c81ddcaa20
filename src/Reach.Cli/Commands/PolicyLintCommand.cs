using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Policy.Compilation;
using Reach.Policy.Lint;

namespace Reach.Cli.Commands;

/// <summary><c>reach policy lint &lt;bundle&gt; [--pack DIR]</c>: errors exit 1, warnings alone exit 0.</summary>
internal static class PolicyLintCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var bundle = new Argument<string>("bundle") { Description = "The policy bundle (policy.json)" };
        var pack = new Option<string?>("--pack") { Description = "A pack directory: also report rules naming tools the pack does not declare" };
        var command = new Command("lint", "Lint a bundle: schema errors with pointers, invalid regexes, rules that never match, permits shadowed by a forbid, duplicates, undeclared tools, over-broad permits.\n\nExample:\n  reach policy lint policies/ci-strict/policy.json --pack examples/packs/policy-tour")
        {
            bundle, pack,
        };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var path = parse.GetValue(bundle)!;
            var manifest = parse.GetValue(pack) is { } dir ? PackLoader.Load(dir, ToolRegistry.BuiltIn.Names).Manifest : null;
            var findings = PolicyLinter.Lint(PolicyCompiler.ReadFile(path), manifest);
            var errors = findings.Count(f => f.Severity == LintSeverity.Error);
            var warnings = findings.Count - errors;
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", errors == 0);
                    w.WriteNumber("errors", errors);
                    w.WriteNumber("warnings", warnings);
                    w.WriteStartArray("findings");
                    foreach (var finding in findings)
                    {
                        w.WriteStartObject();
                        w.WriteString("severity", finding.Severity == LintSeverity.Error ? "error" : "warning");
                        w.WriteString("check", finding.Check);
                        w.WriteString("pointer", finding.Pointer);
                        w.WriteString("rule", finding.RuleId);
                        w.WriteString("code", finding.Code);
                        w.WriteString("message", finding.Message);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    if (errors > 0)
                    {
                        ReachApp.WriteError(w, ErrorCatalog.PolicyLintFailed, $"{errors} error(s) in {path}.");
                    }
                });
            }
            else if (!context.Quiet || errors > 0)
            {
                foreach (var finding in findings)
                {
                    var severity = finding.Severity == LintSeverity.Error ? "error" : "warning";
                    var where = finding.Pointer.Length == 0 ? "/" : finding.Pointer;
                    context.Environment.Output.WriteLine($"{severity}[{finding.Check}] {where}{(finding.RuleId is null ? string.Empty : $" ({finding.RuleId})")}: {finding.Message}");
                }

                context.Environment.Output.WriteLine(errors == 0
                    ? $"{path}: ok, {warnings} warning(s)"
                    : $"{path}: {errors} error(s), {warnings} warning(s) [{ErrorCatalog.PolicyLintFailed.Code}]");
                if (errors > 0)
                {
                    context.Environment.Output.WriteLine($"  fix: {ErrorCatalog.PolicyLintFailed.Fix}");
                }
            }

            return errors == 0 ? 0 : 1;
        });
        return command;
    }
}
