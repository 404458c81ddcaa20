using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tools;

namespace Reach.Policy.Calls;

/// <summary>One policy decision as a transcript recorded it.</summary>
/// <param name="Seq">The policy.decision event's sequence number.</param>
/// <param name="Step">The step id.</param>
/// <param name="Tool">The tool.</param>
/// <param name="Effect">permit or deny.</param>
/// <param name="Code">The code of a denial (or of a waived one in warn mode).</param>
/// <param name="Reason">The recorded reason.</param>
/// <param name="Rules">The deciding rule ids.</param>
/// <param name="Mode">enforce or warn, when a bundle decided.</param>
/// <param name="WouldDeny">True when warn mode waived a denial.</param>
public sealed record RecordedDecision(long Seq, string? Step, string Tool, string Effect, string? Code, string Reason, IReadOnlyList<string> Rules, string? Mode, bool WouldDeny);

/// <summary>Reads the policy decisions of a transcript, and rebuilds the call (with its context) each one decided.</summary>
public static class TranscriptCalls
{
    /// <summary>Every policy decision of <paramref name="transcript"/>, in order.</summary>
    public static IReadOnlyList<RecordedDecision> Decisions(RecordedTranscript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var result = new List<RecordedDecision>();
        foreach (var ev in transcript.Events)
        {
            if (ev.Type != EventTypes.PolicyDecision || ev.Data is not { } data)
            {
                continue;
            }

            var rules = new List<string>();
            foreach (var rule in data.GetProperty("rules").EnumerateArray())
            {
                rules.Add(rule.GetString()!);
            }

            result.Add(new RecordedDecision(
                ev.Seq,
                data.TryGetProperty("step", out var step) ? step.GetString() : null,
                data.GetProperty("tool").GetString()!,
                data.GetProperty("effect").GetString()!,
                data.TryGetProperty("code", out var code) ? code.GetString() : null,
                data.GetProperty("reason").GetString()!,
                rules,
                data.TryGetProperty("mode", out var mode) ? mode.GetString() : null,
                data.TryGetProperty("would_deny", out var would) && would.ValueKind == JsonValueKind.True));
        }

        return result;
    }

    /// <summary>
    /// Rebuilds the call that the policy.decision event <paramref name="seq"/> decided: tool, arguments, step, the run's
    /// inputs, and the usage and per-tool counts of the calls permitted before it. Permissions are what
    /// <paramref name="permissionsOf"/> says the tool needs (the MCP gateway's pins, for its transcripts), else what the
    /// built-in tool needs; the pack's declarations are not in the transcript, so every tool counts as declared.
    /// </summary>
    /// <exception cref="ReachException">REACH-3202 when the event is not a policy decision.</exception>
    public static ToolCallRequest CallAt(RecordedTranscript transcript, long seq, Func<string, IReadOnlyList<string>?>? permissionsOf = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (seq < 0 || seq >= transcript.Events.Count || transcript.Events[(int)seq].Type != EventTypes.PolicyDecision)
        {
            throw new ReachException(ErrorCatalog.PolicyEventNotDecision, $"Event {seq} of run {transcript.Header.RunId} is not a policy.decision.");
        }

        JsonElement inputs = default;
        DateTimeOffset started = default;
        long steps = 0, toolCalls = 0;
        decimal cost = 0;
        var tallies = new List<ToolTally>();
        JsonElement? step = null;
        for (var i = 0; i < seq; i++)
        {
            var ev = transcript.Events[i];
            var data = ev.Data!.Value;
            switch (ev.Type)
            {
                case EventTypes.RunStarted:
                    inputs = data.GetProperty("inputs");
                    started = Time(data);
                    break;
                case EventTypes.StepStarted:
                    step = data;
                    break;
                case EventTypes.BudgetDecision when data.GetProperty("effect").GetString() == "permit":
                    var tool = data.GetProperty("tool").GetString()!;
                    var callCost = data.GetProperty("cost").GetDecimal();
                    steps++;
                    toolCalls++;
                    cost += callCost;
                    var found = tallies.FindIndex(t => t.Tool == tool);
                    if (found < 0)
                    {
                        tallies.Add(new ToolTally(tool, 1, callCost));
                    }
                    else
                    {
                        tallies[found] = tallies[found] with { Calls = tallies[found].Calls + 1, Cost = tallies[found].Cost + callCost };
                    }

                    break;
                default:
                    break;
            }
        }

        if (step is not { } s)
        {
            throw new ReachException(ErrorCatalog.PolicyEventNotDecision, $"Event {seq} of run {transcript.Header.RunId} has no step.started before it.");
        }

        var name = s.GetProperty("tool").GetString()!;
        IReadOnlyList<string> permissions = permissionsOf?.Invoke(name) ?? ToolRegistry.BuiltIn.Find(name)?.RequiredPermissions ?? [];
        var declaredCost = CostOf(transcript, seq);
        var declaration = new ToolDeclaration { Name = name, Permissions = permissions, Cost = declaredCost };
        return new ToolCallRequest
        {
            Tool = name,
            RequiredPermissions = permissions,
            Declaration = declaration,
            Input = s.GetProperty("input"),
            Pack = new PackManifest { Name = transcript.Header.PackName, Version = transcript.Header.PackVersion, Tools = [declaration] },
            StepId = s.TryGetProperty("step", out var id) ? id.GetString() : null,
            StepIndex = s.GetProperty("index").GetInt64(),
            Usage = new BudgetUsage(steps, toolCalls, cost, Time(s) - started),
            Inputs = inputs,
            Tallies = tallies,
        };
    }

    // The call's cost is in the budget decision that follows a permit; a denied call's cost is not recorded.
    private static decimal CostOf(RecordedTranscript transcript, long seq)
    {
        var next = seq + 1;
        if (next < transcript.Events.Count && transcript.Events[(int)next] is { Type: EventTypes.BudgetDecision, Data: { } data })
        {
            return data.GetProperty("cost").GetDecimal();
        }

        return 0;
    }

    private static DateTimeOffset Time(JsonElement data) =>
        data.TryGetProperty("at", out var at) ? DateTimeOffset.Parse(at.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : default;
}
