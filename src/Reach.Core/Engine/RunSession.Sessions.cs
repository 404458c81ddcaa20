using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Transcripts;

namespace Reach.Core.Engine;

/// <summary>What the gates would decide about a call, asked without recording anything (a dry evaluation).</summary>
/// <param name="Policy">The policy gate's decision.</param>
/// <param name="Budget">The budget gate's decision, or null when the policy denied first.</param>
public sealed record GateCheck(PolicyDecision Policy, BudgetDecision? Budget)
{
    /// <summary>True when both gates would let the call through.</summary>
    public bool Allowed => Policy.Effect == GateEffect.Permit && Budget is { Effect: GateEffect.Permit };
}

public sealed partial class RunSession
{
    private static readonly byte[] SessionSpawnType = TranscriptFormat.TypeToken(EventTypes.SessionSpawn);

    /// <summary>
    /// Asks the policy gate then the budget gate about a call exactly as <see cref="Propose"/> would, but records
    /// nothing and changes no ledger: an agent that runs a tool itself asks first, then proposes the call with its result.
    /// A call <see cref="Propose"/> would refuse before the gates is refused here the same way (a coded <see cref="ReachException"/>).
    /// </summary>
    public GateCheck Evaluate(string tool, JsonElement input, string? stepId, long stepIndex)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var implementation = _options.Tools.Find(tool);

        // Asked the same checks as Propose: a gate must not permit text that the OS would run as something else.
        CheckProposal(tool, input, stepId, implementation);
        var elapsed = _options.Clock.GetUtcNow() - _startedAt;
        var declaration = _options.Pack.FindTool(tool);
        var policy = DecidePolicy(Request(tool, input, stepId, stepIndex, elapsed, implementation, declaration));
        return policy.Effect == GateEffect.Deny ? new GateCheck(policy, null) : new GateCheck(policy, DecideBudget(declaration?.Cost ?? 0m, elapsed));
    }

    // What the policy gate is asked, by Propose and Evaluate alike.
    private ToolCallRequest Request(string tool, JsonElement input, string? stepId, long stepIndex, TimeSpan elapsed, Tools.ITool? implementation, Packs.ToolDeclaration? declaration) => new()
    {
        Tool = tool,
        RequiredPermissions = implementation?.RequiredPermissions ?? [],
        Declaration = declaration,
        Input = input,
        Pack = _options.Pack,
        StepId = stepId,
        StepIndex = stepIndex,
        Usage = _budget.Usage(elapsed),
        Inputs = _options.Inputs,
        Tallies = [.. _tallies],
    };

    /// <summary>
    /// Records a <c>session.spawn</c> event: a child session was opened (<paramref name="code"/> null) or refused by
    /// the spawn limits (<paramref name="code"/> and <paramref name="reason"/> say why). Returns the event's sequence number and hash.
    /// </summary>
    public AppendedEvent RecordSpawn(string? childId, int depth, IReadOnlyList<string> tools, ErrorCode? code, string reason)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ArgumentNullException.ThrowIfNull(tools);
        var now = _options.Clock.GetUtcNow();
        Append(SessionSpawnType, EventTypes.SessionSpawn, null, null, code is null ? $"spawned {childId}" : $"spawn denied: {reason}", w =>
        {
            w.WriteString("at", Timestamp(now));
            WriteOptional(w, "child", childId);
            WriteOptional(w, "code", code?.Code);
            w.WriteNumber("depth", depth);
            w.WriteString("effect", code is null ? "permit" : "deny");
            w.WriteString("reason", reason);
            w.WriteStartArray("tools");
            foreach (var tool in tools)
            {
                w.WriteStringValue(tool);
            }

            w.WriteEndArray();
        });
        return _last;
    }
}
