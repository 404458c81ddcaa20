using Reach.Core.Packs;
using Reach.Packs.Validation;

namespace Reach.Cli.Commands;

/// <summary><c>reach pack validate &lt;dir&gt;</c>: schema, lint rules and the permission audit of a pack.</summary>
internal static class PackValidateCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var directory = new Argument<string>("dir") { Description = "The pack directory (it holds pack.json)" };
        var command = new Command("validate", "Validate a pack before it runs: JSON Schema (with pointer, line and column), lint rules (each with an id, a severity and a fix), then what the pack can do and how risky that is.\nExit 0 when valid (warnings allowed), 1 when there are errors, 2 when there is no pack.\n\nExample:\n  reach pack validate examples/packs/files-and-processes")
        {
            directory,
        };
        command.SetAction(parse => Execute(new CommandContext(parse, environment), parse.GetValue(directory)!));
        return command;
    }

    private static int Execute(CommandContext context, string directory)
    {
        var report = PackValidator.Validate(directory);
        context.Timing($"validated ({report.Findings.Count} findings)");
        if (context.Json)
        {
            context.WriteJson(w => WriteJson(w, report));
        }
        else if (context.Human)
        {
            Render(context, report, directory);
        }
        else
        {
            foreach (var error in report.Errors)
            {
                context.Environment.Error.WriteLine($"error[{error.Rule.Id}] {Location(error)}: {error.Message}");
            }
        }

        return report.Ok ? 0 : ErrorCatalog.PackValidationFailed.ExitCode;
    }

    private static void WriteJson(Utf8JsonWriter w, ValidationReport report)
    {
        w.WriteBoolean("ok", report.Ok);
        if (!report.Ok)
        {
            ReachApp.WriteError(w, ErrorCatalog.PackValidationFailed, Count(report));
        }

        w.WriteStartObject("pack");
        w.WriteString("dir", report.Directory);
        w.WriteString("name", report.Name);
        w.WriteString("version", report.Version);
        w.WriteEndObject();
        WriteFindings(w, "errors", report.Errors);
        WriteFindings(w, "warnings", report.Warnings);
        if (report.Audit is not { } audit)
        {
            w.WriteNull("audit");
            return;
        }

        w.WriteStartObject("audit");
        w.WriteString("risk", Risk(audit.Risk));
        w.WriteStartArray("capabilities");
        foreach (var capability in audit.Capabilities)
        {
            w.WriteStartObject();
            w.WriteString("kind", capability.Kind);
            w.WriteString("risk", Risk(capability.Risk));
            w.WriteString("summary", capability.Summary);
            WriteStrings(w, "tools", capability.Tools);
            WriteStrings(w, "targets", capability.Targets);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (audit.Budgets is { } budgets)
        {
            w.WriteStartObject("budgets");
            budgets.WriteManifestMembers(w);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("budgets");
        }

        w.WriteEndObject();
    }

    private static void WriteFindings(Utf8JsonWriter w, string name, IReadOnlyList<PackFinding> findings)
    {
        w.WriteStartArray(name);
        foreach (var finding in findings)
        {
            w.WriteStartObject();
            w.WriteString("rule", finding.Rule.Id);
            w.WriteString("severity", finding.Severity == FindingSeverity.Error ? "error" : "warning");
            w.WriteString("message", finding.Message);
            w.WriteString("fix", finding.Fix);
            w.WriteString("file", finding.File);
            if (finding.Pointer is not null)
            {
                w.WriteString("pointer", finding.Pointer);
            }

            if (finding.Position is { } position)
            {
                w.WriteNumber("line", position.Line);
                w.WriteNumber("column", position.Column);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Render(CommandContext context, ValidationReport report, string directory)
    {
        var identity = report.Name is null ? "" : $"{report.Name}@{report.Version}  ";
        var status = report.Ok ? "[green]✓ valid[/]" : $"[red]✗ invalid[/] [grey]({ErrorCatalog.PackValidationFailed.Code})[/]";
        context.Line($"{status}  [bold]{CommandContext.Escape(identity)}[/]{CommandContext.Escape(directory)}  [grey]{Count(report)}[/]");
        Section(context, "errors", "red", report.Errors);
        Section(context, "warnings", "yellow", report.Warnings);
        if (report.Audit is { } audit)
        {
            context.Line($"[bold]audit[/]     what the pack can do, overall risk {Colored(audit.Risk)}");
            if (audit.Capabilities.Count == 0)
            {
                context.Line("  [green]none[/]    nothing: no step calls a tool the pack declares and grants");
            }

            foreach (var capability in audit.Capabilities)
            {
                context.Line($"  {Colored(capability.Risk, pad: true)}  {CommandContext.Escape(capability.Summary)}");
            }

            context.Plain($"budgets   {Budgets(audit.Budgets)}");
        }

        context.Plain(report.Ok
            ? $"next: {context.Invoked} run {directory}"
            : $"next: fix the errors above, then {context.Invoked} pack validate {directory}");
    }

    private static void Section(CommandContext context, string title, string color, IReadOnlyList<PackFinding> findings)
    {
        if (findings.Count == 0)
        {
            return;
        }

        context.Line($"[bold {color}]{title}[/]");
        foreach (var finding in findings)
        {
            // Plain, never wrapped: a finding line stays whole for grep and for an editor's file:line:column link.
            context.Plain($"  {finding.Rule.Id}  {Location(finding)}  {finding.Message}");
            context.Plain($"           fix: {finding.Fix}");
        }
    }

    private static string Location(PackFinding finding)
    {
        var place = finding.Position is { } p ? string.Create(CultureInfo.InvariantCulture, $"{finding.File}:{p.Line}:{p.Column}") : finding.File;
        return finding.Pointer is { Length: > 0 } pointer ? $"{place} {pointer}" : place;
    }

    private static string Count(ValidationReport report)
    {
        var errors = report.Errors.Count;
        var warnings = report.Warnings.Count;
        return string.Create(CultureInfo.InvariantCulture, $"{errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}");
    }

    private static string Budgets(Budgets? budgets)
    {
        if (budgets is null)
        {
            return "none: nothing limits a run";
        }

        var parts = new List<string>();
        if (budgets.MaxSteps is { } steps)
        {
            parts.Add(Plural.Of(steps, "step"));
        }

        if (budgets.MaxToolCalls is { } calls)
        {
            parts.Add(Plural.Of(calls, "tool call"));
        }

        if (budgets.MaxCost is { } cost)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"cost {cost}"));
        }

        if (budgets.MaxDuration is { } duration)
        {
            parts.Add(DurationText.FormatWhole(duration));
        }

        return parts.Count == 0 ? "none: nothing limits a run" : "at most " + string.Join(", ", parts);
    }

    private static string Risk(RiskLevel risk) => risk.ToString().ToLowerInvariant();

    private static string Colored(RiskLevel risk, bool pad = false)
    {
        var text = pad ? Risk(risk).PadRight(6) : Risk(risk);
        return risk switch
        {
            RiskLevel.High => $"[red]{text}[/]",
            RiskLevel.Medium => $"[yellow]{text}[/]",
            RiskLevel.Low => $"[blue]{text}[/]",
            _ => $"[green]{text}[/]",
        };
    }
}
