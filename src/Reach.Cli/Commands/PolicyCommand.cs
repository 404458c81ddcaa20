using Reach.Core.Gates;
using Reach.Core.Replay;
using Reach.Policy;
using Reach.Policy.Calls;
using Reach.Policy.Compilation;
using Reach.Policy.Evaluation;

namespace Reach.Cli.Commands;

/// <summary><c>reach policy …</c>: eval, explain, lint, test and decisions (docs/POLICY_GATE.md).</summary>
internal static class PolicyCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var policy = new Command("policy", "Evaluate, explain, lint and test policy bundles, and list a run's decisions.\n\nExample:\n  reach policy explain policies/ci-strict/policy.json --transcript ~/.reach/runs/<run id>.jsonl --event 14");
        policy.Subcommands.Add(Eval(environment));
        policy.Subcommands.Add(PolicyExplainCommand.Create(environment));
        policy.Subcommands.Add(PolicyLintCommand.Create(environment));
        policy.Subcommands.Add(PolicyTestCommand.Create(environment));
        policy.Subcommands.Add(PolicyDecisionsCommand.Create(environment));
        return policy;
    }

    /// <summary>The mode the option names, else the configuration's (REACH_POLICY_MODE, then <c>policy_mode</c> in config.json, then enforce).</summary>
    public static PolicyMode Mode(CommandContext context, string? option) =>
        PolicyModes.Parse(option ?? context.Config.PolicyMode.Value);

    /// <summary>Reads a transcript for the policy commands.</summary>
    public static RecordedTranscript ReadTranscript(string path)
    {
        if (!File.Exists(path))
        {
            throw new ReachException(ErrorCatalog.TranscriptNotFound, $"No transcript at '{path}'.");
        }

        return RecordedTranscript.Read(File.ReadAllBytes(path));
    }

    public static string Effect(GateEffect effect) => effect == GateEffect.Permit ? "permit" : "deny";

    public static void WriteDecision(Utf8JsonWriter w, PolicyDecision decision)
    {
        w.WriteStartObject("decision");
        w.WriteString("effect", Effect(decision.Effect));
        if (decision.Code is not null)
        {
            w.WriteString("code", decision.Code.Code);
        }

        w.WriteString("reason", decision.Reason);
        w.WriteStartArray("rules");
        foreach (var rule in decision.Rules)
        {
            w.WriteStringValue(rule);
        }

        w.WriteEndArray();
        if (decision.Mode is not null)
        {
            w.WriteString("mode", decision.Mode);
        }

        w.WriteBoolean("would_deny", decision.WouldDeny);
        w.WriteEndObject();
    }

    public static void WriteBundle(Utf8JsonWriter w, PolicyBundle bundle)
    {
        w.WriteStartObject("bundle");
        w.WriteString("id", bundle.Id);
        w.WriteString("version", bundle.Version);
        w.WriteString("digest", bundle.Digest.ToString());
        w.WriteNumber("rules", bundle.Rules.Count);
        w.WriteEndObject();
    }

    public static void HumanDecision(CommandContext context, PolicyDecision decision)
    {
        var effect = decision.Effect == GateEffect.Permit
            ? decision.WouldDeny ? "[yellow]PERMIT (would deny)[/]" : "[green]PERMIT[/]"
            : "[red]DENY[/]";
        var code = decision.Code is null ? string.Empty : " " + CommandContext.Escape(decision.Code.Code);
        var rules = decision.Rules.Count == 0 ? "no rule (default deny)" : string.Join(", ", decision.Rules);
        context.Line($"decision  {effect}{code}  by {CommandContext.Escape(rules)}");
        context.Plain($"reason    {decision.Reason}");
    }

    private static Command Eval(CliEnvironment environment)
    {
        var bundle = new Argument<string>("bundle") { Description = "The policy bundle (policy.json)" };
        var call = new Option<string>("--call") { Description = "A JSON file describing the call and its context (docs/POLICY_GATE.md)", Required = true };
        var mode = new Option<string?>("--mode") { Description = "enforce (default) or warn; also REACH_POLICY_MODE" };
        var command = new Command("eval", "Decide one call with a bundle. Exits 0 for any decision it computes; the effect is in the output.\n\nExample:\n  reach policy eval policies/no-network/policy.json --call call.json --json")
        {
            bundle, call, mode,
        };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var compiled = PolicyCompiler.LoadFile(parse.GetValue(bundle)!);
            var request = CallFile.Read(parse.GetValue(call)!);
            var decision = compiled.Decide(request, Mode(context, parse.GetValue(mode)));
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    WriteBundle(w, compiled);
                    w.WriteString("tool", request.Tool);
                    WriteDecision(w, decision);
                });
            }
            else
            {
                context.Line($"[bold]policy[/] {CommandContext.Escape(compiled.Id)}@{CommandContext.Escape(compiled.Version)}  [grey]{compiled.Digest.ToString()[..19]}…[/]  call {CommandContext.Escape(request.Tool)}");
                HumanDecision(context, decision);
                if (decision.Effect == GateEffect.Deny)
                {
                    context.Plain($"next: {context.Invoked} policy explain {parse.GetValue(bundle)} --call {parse.GetValue(call)}");
                }
            }

            return 0;
        });
        return command;
    }
}
