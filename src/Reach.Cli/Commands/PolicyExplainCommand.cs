using Reach.Core.Gates;
using Reach.Policy;
using Reach.Policy.Calls;
using Reach.Policy.Compilation;
using Reach.Policy.Conditions;
using Reach.Policy.Explain;

namespace Reach.Cli.Commands;

/// <summary><c>reach policy explain</c>: every rule considered, what failed and with what value, and the decision.</summary>
internal static class PolicyExplainCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var bundle = new Argument<string>("bundle") { Description = "The policy bundle (policy.json)" };
        var call = new Option<string?>("--call") { Description = "A JSON file describing the call and its context" };
        var transcript = new Option<string?>("--transcript") { Description = "A transcript; with --event, explains a recorded decision" };
        var seq = new Option<long?>("--event") { Description = "The sequence number of a policy.decision event (reach policy decisions lists them)" };
        var mode = new Option<string?>("--mode") { Description = "enforce (default) or warn; also REACH_POLICY_MODE" };
        var command = new Command("explain", "Explain a decision: every rule, matched or not, the condition that failed and the value it saw, and the final decision.\n\nExamples:\n  reach policy explain policies/ci-strict/policy.json --call call.json\n  reach policy explain policies/ci-strict/policy.json --transcript run.jsonl --event 14")
        {
            bundle, call, transcript, seq, mode,
        };
        command.SetAction(parse => Execute(new CommandContext(parse, environment), parse.GetValue(bundle)!, parse.GetValue(call), parse.GetValue(transcript), parse.GetValue(seq), parse.GetValue(mode)));
        return command;
    }

    private static int Execute(CommandContext context, string bundlePath, string? callPath, string? transcriptPath, long? seq, string? modeText)
    {
        if ((callPath is null) == (transcriptPath is null) || (transcriptPath is not null && seq is null))
        {
            throw new ReachException(ErrorCatalog.Usage, "Pass either --call FILE, or --transcript FILE with --event N.");
        }

        var bundle = PolicyCompiler.LoadFile(bundlePath);
        ToolCallRequest request;
        RecordedDecision? recorded = null;
        string? recordedDigest = null;
        if (callPath is not null)
        {
            request = CallFile.Read(callPath);
        }
        else
        {
            var run = PolicyCommand.ReadTranscript(transcriptPath!);
            // A gateway transcript's tools are MCP tools: their permissions come from the connector's pins.
            request = TranscriptCalls.CallAt(run, seq!.Value, Reach.Mcp.Gateway.GatewayPack.PermissionsFor(context.Environment.Home, run.Header.PackName));
            recorded = TranscriptCalls.Decisions(run).First(d => d.Seq == seq);
            recordedDigest = run.Header.PolicyDigest.ToString();
        }

        var mode = recorded?.Mode is { } m && modeText is null && context.Environment.Get(ReachVariables.PolicyMode) is null ? PolicyModes.Parse(m) : PolicyCommand.Mode(context, modeText);
        var explanation = bundle.Explain(request, mode);
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", true);
                PolicyCommand.WriteBundle(w, bundle);
                WriteCall(w, request);
                PolicyCommand.WriteDecision(w, explanation.Decision);
                w.WriteStartArray("rules");
                foreach (var rule in explanation.Rules)
                {
                    WriteRule(w, rule);
                }

                w.WriteEndArray();
                if (recorded is not null)
                {
                    w.WriteStartObject("recorded");
                    w.WriteNumber("seq", recorded.Seq);
                    w.WriteString("effect", recorded.Effect);
                    w.WriteString("code", recorded.Code);
                    w.WriteStartArray("rules");
                    foreach (var rule in recorded.Rules)
                    {
                        w.WriteStringValue(rule);
                    }

                    w.WriteEndArray();
                    w.WriteString("policy_digest", recordedDigest);
                    w.WriteBoolean("same_bundle", recordedDigest == bundle.Digest.ToString());
                    w.WriteEndObject();
                }
            });
            return 0;
        }

        context.Line($"[bold]policy[/] {CommandContext.Escape(bundle.Id)}@{CommandContext.Escape(bundle.Version)}  [grey]{bundle.Digest}[/]");
        var args = request.Input.ValueKind == JsonValueKind.Undefined ? "{}" : request.Input.GetRawText();
        context.Plain($"call      {request.Tool}{(request.StepId is null ? string.Empty : $"  step {request.StepId} (#{request.StepIndex})")}  args {Short(args)}");
        if (recorded is not null)
        {
            context.Plain($"recorded  event {recorded.Seq}: {recorded.Effect}{(recorded.Code is null ? string.Empty : " " + recorded.Code)} by [{string.Join(", ", recorded.Rules)}]");
            if (recordedDigest != bundle.Digest.ToString())
            {
                context.Plain($"note      the run was decided by policy {recordedDigest}, not this bundle; the explanation is this bundle's");
            }
        }

        PolicyCommand.HumanDecision(context, explanation.Decision);
        context.Plain(string.Empty);
        context.Plain("rules");
        foreach (var rule in explanation.Rules)
        {
            var mark = rule.Decisive ? "●" : rule.Matched ? "✓" : "✗";
            var effect = rule.Rule.Effect == Reach.Policy.Model.RuleEffect.Permit ? "permit" : "forbid";
            context.Plain($"  {mark} {rule.Rule.Id,-30} {effect,-7} {rule.Verdict}{(rule.Decisive ? " (decides)" : string.Empty)}");
            foreach (var check in rule.Target)
            {
                if (!check.Held)
                {
                    context.Plain($"      {check.Part}: {check.Actual} does not match {check.Expected}");
                }
            }

            if (rule.Conditions is { } conditions)
            {
                Tree(context, conditions, 6);
            }

            if (rule.FailedCondition is { } failed)
            {
                var label = rule.Matched ? "because" : "failed";
                context.Plain($"      {label}: {failed.Text} was false at {failed.Pointer}; the value was {failed.Actual}");
            }

            if (rule.Limit is not null)
            {
                context.Plain($"      limit: {rule.Limit}");
            }
        }

        return 0;
    }

    private static void Tree(CommandContext context, ConditionOutcome outcome, int indent)
    {
        var actual = outcome.Actual is null ? string.Empty : $"  (value {Short(outcome.Actual)})";
        context.Plain($"{new string(' ', indent)}{(outcome.Result ? "true " : "false")} {outcome.Text}{actual}");
        foreach (var child in outcome.Children)
        {
            Tree(context, child, indent + 2);
        }
    }

    private static string Short(string text) => text.Length > 160 ? text[..160] + "…" : text;

    private static void WriteCall(Utf8JsonWriter w, ToolCallRequest request)
    {
        w.WriteStartObject("call");
        w.WriteString("tool", request.Tool);
        w.WriteString("step", request.StepId);
        w.WriteNumber("index", request.StepIndex);
        w.WritePropertyName("args");
        if (request.Input.ValueKind == JsonValueKind.Undefined)
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }
        else
        {
            request.Input.WriteTo(w);
        }

        w.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter w, RuleExplanation rule)
    {
        w.WriteStartObject();
        w.WriteString("id", rule.Rule.Id);
        w.WriteString("effect", rule.Rule.Effect == Reach.Policy.Model.RuleEffect.Permit ? "permit" : "forbid");
        w.WriteString("pointer", rule.Rule.Pointer);
        w.WriteString("verdict", rule.Verdict);
        w.WriteBoolean("matched", rule.Matched);
        w.WriteBoolean("decisive", rule.Decisive);
        w.WriteStartArray("target");
        foreach (var check in rule.Target)
        {
            w.WriteStartObject();
            w.WriteString("part", check.Part);
            w.WriteString("expected", check.Expected);
            w.WriteString("actual", check.Actual);
            w.WriteBoolean("held", check.Held);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (rule.FailedCondition is { } failed)
        {
            w.WriteStartObject("failed_condition");
            w.WriteString("pointer", failed.Pointer);
            w.WriteString("condition", failed.Text);
            w.WriteString("actual", failed.Actual);
            w.WriteEndObject();
        }

        if (rule.Conditions is { } conditions)
        {
            w.WritePropertyName("conditions");
            WriteOutcome(w, conditions);
        }

        if (rule.Limit is not null)
        {
            w.WriteString("limit", rule.Limit);
        }

        w.WriteEndObject();
    }

    private static void WriteOutcome(Utf8JsonWriter w, ConditionOutcome outcome)
    {
        w.WriteStartObject();
        w.WriteString("pointer", outcome.Pointer);
        w.WriteString("condition", outcome.Text);
        w.WriteBoolean("result", outcome.Result);
        if (outcome.Actual is not null)
        {
            w.WriteString("actual", outcome.Actual);
        }

        if (outcome.Children.Count > 0)
        {
            w.WriteStartArray("parts");
            foreach (var child in outcome.Children)
            {
                WriteOutcome(w, child);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}
