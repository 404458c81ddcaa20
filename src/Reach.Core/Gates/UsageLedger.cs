using Reach.Core.Transcripts.Events;

namespace Reach.Core.Gates;

/// <summary>
/// What a run has spent, folded from its events the one way every reader does it (resume, the MCP gateway's replay,
/// <c>policy explain --transcript</c>): each call both gates permitted (a permitted <c>budget.decision</c>) is a step,
/// a tool call and its cost, and is tallied per tool; a permitted <c>session.spawn</c>'s reservation counts as spent
/// until the child's <c>session.return</c> gives the unused part back. This is the ledger the budget gate kept live.
/// </summary>
public sealed class UsageLedger
{
    private readonly List<ToolTally> _tallies = [];
    private readonly Dictionary<string, BudgetReservation> _held = new(StringComparer.Ordinal);

    /// <summary>Steps spent (permitted calls, plus what open children hold).</summary>
    public long Steps { get; private set; }

    /// <summary>Tool calls spent (permitted calls, plus what open children hold).</summary>
    public long ToolCalls { get; private set; }

    /// <summary>Cost spent (of permitted calls, plus what open children hold).</summary>
    public decimal Cost { get; private set; }

    /// <summary>The permitted calls per tool, in the order each tool was first called.</summary>
    public IReadOnlyList<ToolTally> Tallies => _tallies;

    /// <summary>What each open child holds reserved, by child id (spawned, not yet returned).</summary>
    public IReadOnlyDictionary<string, BudgetReservation> Held => _held;

    /// <summary>How many children were spawned (permitted <c>session.spawn</c> events).</summary>
    public int Spawned { get; private set; }

    /// <summary>How many calls were proposed (<c>step.started</c> events).</summary>
    public long Calls { get; private set; }

    /// <summary>When the run started (<c>run.started</c>), if its event was read.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>Folds <paramref name="events"/> (null entries, redacted or of other kinds, are skipped) into a ledger.</summary>
    public static UsageLedger Rebuild(IEnumerable<TranscriptEvent?> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ledger = new UsageLedger();
        foreach (var ev in events)
        {
            ledger.Apply(ev);
        }

        return ledger;
    }

    /// <summary>
    /// Adds one permitted call of <paramref name="tool"/> costing <paramref name="cost"/> to <paramref name="tallies"/>:
    /// the one per-tool count, used by the live session and by <see cref="Rebuild"/>.
    /// </summary>
    public static void Tally(List<ToolTally> tallies, string tool, decimal cost)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        for (var i = 0; i < tallies.Count; i++)
        {
            if (string.Equals(tallies[i].Tool, tool, StringComparison.Ordinal))
            {
                tallies[i] = tallies[i] with { Calls = tallies[i].Calls + 1, Cost = tallies[i].Cost + cost };
                return;
            }
        }

        tallies.Add(new ToolTally(tool, 1, cost));
    }

    /// <summary>The spend as a <see cref="BudgetUsage"/>, with <paramref name="elapsed"/> as the time used.</summary>
    public BudgetUsage Usage(TimeSpan elapsed) => new(Steps, ToolCalls, Cost, elapsed);

    /// <summary>Folds one more event into the ledger.</summary>
    public void Apply(TranscriptEvent? ev)
    {
        switch (ev)
        {
            case RunStartedEvent started:
                StartedAt = started.At;
                break;
            case StepStartedEvent:
                Calls++;
                break;
            case BudgetDecisionEvent { Effect: GateEffect.Permit } permitted:
                Steps++;
                ToolCalls++;
                Cost += permitted.Cost;
                Tally(_tallies, permitted.Tool, permitted.Cost);
                break;
            case SessionSpawnEvent { Effect: GateEffect.Permit } spawn:
                Spawned++;
                if (spawn is { Child: { } child, Reserved: { } reserved })
                {
                    Add(reserved, 1);
                    _held[child] = reserved;
                }

                break;
            case SessionReturnEvent returned:
                Add(returned.Returned, -1);
                _held.Remove(returned.Child);
                break;
            default:
                break;
        }
    }

    private void Add(BudgetReservation reservation, int sign)
    {
        Steps += sign * reservation.Steps;
        ToolCalls += sign * reservation.ToolCalls;
        Cost += sign * reservation.Cost;
    }
}
