using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Core.Transcripts;
using Reach.Core.Transcripts.Events;

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

    // The budget each open child holds, by child id: reserved at its spawn, given back (less what it used) at its close.
    private readonly Dictionary<string, BudgetReservation> _reservations = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs the gate pipeline on a call exactly as <see cref="ProposeAsync"/> would, but records nothing and changes no
    /// ledger (a dry evaluation): an agent that runs a tool itself asks first, then proposes the call with its result.
    /// A call <see cref="ProposeAsync"/> would refuse before the gates is refused here the same way (a coded <see cref="ReachException"/>).
    /// </summary>
    public async ValueTask<GateCheck> EvaluateAsync(ProposedCall call, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ArgumentNullException.ThrowIfNull(call);
        var implementation = _options.Tools.Find(call.Tool);

        // Asked the same checks as ProposeAsync: a gate must not permit text that the OS would run as something else.
        CheckProposal(call.Tool, call.Input, call.StepId, implementation);
        var elapsed = _options.Clock.GetUtcNow() - _startedAt;
        var context = Context(call, implementation, _options.Pack.FindTool(call.Tool), elapsed, dryRun: true);
        PolicyDecision? policy = null;
        foreach (var gate in _gates)
        {
            switch (await DecideAsync(gate, context, cancellationToken).ConfigureAwait(false))
            {
                case GateVerdict.Policy { Decision: var decision } verdict:
                    policy = decision;
                    if (verdict.Denies)
                    {
                        return new GateCheck(decision, null);
                    }

                    break;
                case GateVerdict.Budget { Decision: var decision }:
                    return new GateCheck(policy!, decision);
            }
        }

        throw new InvalidOperationException("The gate pipeline has no budget gate.");
    }

    /// <summary>How many children this session has spawned (permitted <c>session.spawn</c> events, counted again on resume).</summary>
    public int Spawned { get; private set; }

    /// <summary>The children whose reservations this session still holds (spawned, not yet returned).</summary>
    public IReadOnlyCollection<string> OpenChildren => _reservations.Keys;

    /// <summary>
    /// Asks the budget gate whether a child asking for <paramref name="asked"/> can be carved out of what this session
    /// has left (docs/EXECUTION_MODEL.md); records nothing and reserves nothing. <see cref="RecordSpawn"/> with a
    /// permitted decision reserves it; the child starts at the decision's <see cref="SpawnBudgetDecision.At"/>.
    /// </summary>
    public SpawnBudgetDecision DecideSpawn(Budgets? asked)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var now = _options.Clock.GetUtcNow();
        return _budget.DecideSpawn(asked, now - _startedAt) with { At = now };
    }

    /// <summary>
    /// Records a <c>session.spawn</c> event: a child session was opened (<paramref name="code"/> null) or refused by
    /// the spawn limits or the budget (<paramref name="code"/> and <paramref name="reason"/> say why). A child is opened
    /// only with a permitted <paramref name="budget"/> (from <see cref="DecideSpawn"/>), whose reservation counts as
    /// this session's spend from this event on. Returns the event's sequence number and hash.
    /// </summary>
    public AppendedEvent RecordSpawn(string? childId, int depth, IReadOnlyList<string> tools, ErrorCode? code, string reason, SpawnBudgetDecision? budget = null)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ArgumentNullException.ThrowIfNull(tools);
        var permitted = code is null;
        if (permitted && (childId is null || budget is not { Effect: GateEffect.Permit, Child: not null }))
        {
            throw new ArgumentException("A spawn is recorded as permitted only for a child id with a permitted budget decision.", nameof(budget));
        }

        if (permitted && _reservations.ContainsKey(childId!))
        {
            throw new ArgumentException($"The child '{childId}' was spawned already.", nameof(childId));
        }

        var now = _options.Clock.GetUtcNow();
        Append(
            new SessionSpawnEvent(
                now,
                permitted ? budget!.Child! : null,
                childId,
                code?.Code,
                depth,
                permitted ? GateEffect.Permit : GateEffect.Deny,
                budget is { Effect: GateEffect.Deny } ? budget.Limit : null,
                reason,
                permitted ? budget!.Reserved : null,
                tools),
            null,
            null,
            permitted ? $"spawned {childId}" : $"spawn denied: {reason}");
        if (permitted)
        {
            _budget.Reserve(budget!.Reserved);
            _reservations[childId!] = budget.Reserved;
            Spawned++;
        }

        return _last;
    }

    /// <summary>
    /// Records a <c>session.return</c> event when the child <paramref name="childId"/>, which spent
    /// <paramref name="used"/>, has closed: what it did not use of its reservation comes back to this session's budget.
    /// Returns null and records nothing for a child this session holds no reservation for (unknown, or returned already).
    /// </summary>
    public AppendedEvent? RecordChildClosed(string childId, BudgetUsage used)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ArgumentNullException.ThrowIfNull(childId);
        if (!_reservations.Remove(childId, out var reserved))
        {
            return null;
        }

        var returned = reserved.Unused(used);
        _budget.Release(returned);
        var now = _options.Clock.GetUtcNow();
        Append(new SessionReturnEvent(now, childId, returned, used), null, null, $"{childId} closed and returned its unused budget");
        return _last;
    }
}
