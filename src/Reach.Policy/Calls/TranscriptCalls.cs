using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tools;
using Reach.Core.Transcripts.Events;

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

            var decision = PolicyDecisionEvent.Parse(data);
            result.Add(new RecordedDecision(ev.Seq, decision.Step, decision.Tool, EventJson.EffectText(decision.Effect), decision.Code, decision.Reason, decision.Rules, decision.Mode, decision.WouldDeny));
        }

        return result;
    }

    /// <summary>
    /// Rebuilds the call that the policy.decision event <paramref name="seq"/> decided: tool, arguments, step, the run's
    /// inputs, and the usage and per-tool counts before it (<see cref="UsageLedger.Rebuild"/>: the calls permitted and
    /// what spawned children hold). Permissions are what
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
        StepStartedEvent? step = null;
        var before = new List<TranscriptEvent?>((int)seq);
        for (var i = 0; i < seq; i++)
        {
            var ev = transcript.Events[i];
            var read = ev.Data is { } data ? TranscriptEvents.Read(ev.Type, data) : null;
            before.Add(read);
            switch (read)
            {
                case RunStartedEvent run:
                    inputs = run.Inputs;
                    break;
                case StepStartedEvent call:
                    step = call;
                    break;
                default:
                    break;
            }
        }

        // The usage and tallies the gates saw: the same fold resume uses, spawn reservations included.
        var ledger = UsageLedger.Rebuild(before);
        if (step is not { } s)
        {
            throw new ReachException(ErrorCatalog.PolicyEventNotDecision, $"Event {seq} of run {transcript.Header.RunId} has no step.started before it.");
        }

        var name = s.Tool;
        IReadOnlyList<string> permissions = permissionsOf?.Invoke(name) ?? ToolRegistry.BuiltIn.Find(name)?.RequiredPermissions ?? [];
        var declaredCost = CostOf(transcript, seq);
        var declaration = new ToolDeclaration { Name = name, Permissions = permissions, Cost = declaredCost };
        return new ToolCallRequest
        {
            Tool = name,
            RequiredPermissions = permissions,
            Declaration = declaration,
            Input = s.Input,
            Pack = new PackManifest { Name = transcript.Header.PackName, Version = transcript.Header.PackVersion, Tools = [declaration] },
            StepId = s.Step,
            StepIndex = s.Index,
            Usage = ledger.Usage(s.At - (ledger.StartedAt ?? default)),
            Inputs = inputs,
            Tallies = ledger.Tallies,
        };
    }

    // The call's cost is in the budget decision that follows a permit; a denied call's cost is not recorded.
    private static decimal CostOf(RecordedTranscript transcript, long seq)
    {
        var next = seq + 1;
        if (next < transcript.Events.Count && transcript.Events[(int)next] is { Type: EventTypes.BudgetDecision, Data: { } data })
        {
            return BudgetDecisionEvent.Parse(data).Cost;
        }

        return 0;
    }
}
