using Reach.Policy.Calls;

namespace Reach.Cli.Commands;

/// <summary><c>reach policy decisions &lt;transcript&gt;</c>: the audit trail of one run.</summary>
internal static class PolicyDecisionsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var transcript = new Argument<string>("transcript") { Description = "The transcript (.jsonl)" };
        var command = new Command("decisions", "List every policy decision of a run with its rules, code and the policy digest.\n\nExample:\n  reach policy decisions ~/.reach/runs/<run id>.jsonl")
        {
            transcript,
        };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var path = parse.GetValue(transcript)!;
            var run = PolicyCommand.ReadTranscript(path);
            var decisions = TranscriptCalls.Decisions(run);
            var digest = run.Header.PolicyDigest.ToString();
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteString("run_id", run.Header.RunId);
                    w.WriteString("pack", run.Header.PackName);
                    w.WriteString("version", run.Header.PackVersion);
                    w.WriteString("policy_digest", digest);
                    w.WriteStartArray("decisions");
                    foreach (var d in decisions)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("seq", d.Seq);
                        w.WriteString("step", d.Step);
                        w.WriteString("tool", d.Tool);
                        w.WriteString("effect", d.Effect);
                        w.WriteString("code", d.Code);
                        w.WriteString("reason", d.Reason);
                        w.WriteStartArray("rules");
                        foreach (var rule in d.Rules)
                        {
                            w.WriteStringValue(rule);
                        }

                        w.WriteEndArray();
                        w.WriteString("mode", d.Mode);
                        w.WriteBoolean("would_deny", d.WouldDeny);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return 0;
            }

            context.Plain($"run {run.Header.RunId}  {run.Header.PackName}@{run.Header.PackVersion}  policy {digest}");
            foreach (var line in Lines(decisions))
            {
                context.Plain(line);
            }

            var denied = decisions.FirstOrDefault(d => d.Effect == "deny");
            if (denied is not null)
            {
                context.Plain($"next: {context.Invoked} policy explain <bundle> --transcript {path} --event {denied.Seq}");
            }

            return 0;
        });
        return command;
    }

    /// <summary>One line per decision, each column as wide as its widest cell and two spaces apart (MCP tool names are long).</summary>
    internal static IEnumerable<string> Lines(IReadOnlyList<RecordedDecision> decisions)
    {
        var rows = decisions.Select(d => new[]
        {
            string.Create(CultureInfo.InvariantCulture, $"[{d.Seq,3}]"),
            d.Step ?? "-",
            d.Tool,
            d.WouldDeny ? "permit (would deny)" : d.Effect,
            d.Code ?? "-",
            $"[{string.Join(", ", d.Rules)}]",
            d.Reason,
        }).ToList();
        var widths = Enumerable.Range(0, 6).Select(i => rows.Count == 0 ? 0 : rows.Max(r => r[i].Length)).ToArray();
        return rows.Select(r => string.Join("  ", r.Select((cell, i) => i < widths.Length ? cell.PadRight(widths[i]) : cell)).TrimEnd());
    }
}
