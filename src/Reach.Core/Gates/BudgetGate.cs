using System.Numerics;
using Reach.Core.Errors;
using Reach.Core.Packs;

namespace Reach.Core.Gates;

/// <summary>
/// Refuses a call that would take the run past any limit, before it runs, so spend never passes a limit, not even by
/// one call. It keeps the run's ledger: <see cref="Commit"/> records a permitted call.
/// </summary>
public sealed class BudgetGate
{
    private long _steps;
    private long _toolCalls;
    private decimal _cost;

    /// <summary>Creates a gate for <paramref name="budgets"/>.</summary>
    public BudgetGate(Budgets budgets)
    {
        Budgets = budgets;
    }

    /// <summary>The limits.</summary>
    public Budgets Budgets { get; }

    /// <summary>The spend so far, with <paramref name="elapsed"/> as the time used.</summary>
    public BudgetUsage Usage(TimeSpan elapsed) => new(_steps, _toolCalls, _cost, elapsed);

    /// <summary>Decides whether a call of <paramref name="cost"/> that starts a new step fits.</summary>
    public BudgetDecision Decide(decimal cost, TimeSpan elapsed, bool newStep = true)
    {
        var before = Usage(elapsed);
        if (newStep && Budgets.MaxSteps is { } maxSteps && _steps + 1 > maxSteps)
        {
            return Deny(ErrorCatalog.BudgetSteps, "max_steps", $"This would be step {_steps + 1}; max_steps is {maxSteps}.", cost, before);
        }

        if (Budgets.MaxToolCalls is { } maxCalls && _toolCalls + 1 > maxCalls)
        {
            return Deny(ErrorCatalog.BudgetToolCalls, "max_tool_calls", $"This would be tool call {_toolCalls + 1}; max_tool_calls is {maxCalls}.", cost, before);
        }

        if (Budgets.MaxCost is { } maxCost && _cost + cost > maxCost)
        {
            return Deny(ErrorCatalog.BudgetCost, "max_cost", $"This call costs {Format(cost)}, which would bring the run to {Format(_cost + cost)}; max_cost is {Format(maxCost)}.", cost, before);
        }

        if (Budgets.MaxDuration is { } maxDuration && elapsed >= maxDuration)
        {
            return Deny(ErrorCatalog.BudgetDuration, "max_duration", $"The run has used {DurationText.Format(elapsed)}; max_duration is {DurationText.Format(maxDuration)}.", cost, before);
        }

        return new BudgetDecision { Effect = GateEffect.Permit, Reason = "Within every budget.", Cost = cost, Before = before };
    }

    /// <summary>
    /// Decides whether a child asking for <paramref name="asked"/> (null: nothing in particular) can be carved out of
    /// what this ledger has left: a limit the child names must fit in what is left of it; one it does not name is half
    /// of what is left (counts rounded up), so the parent keeps some for its own calls and its other children; and the
    /// child's time ends no later than this run's. Nothing is reserved until <see cref="Reserve"/>.
    /// </summary>
    /// <remarks>A child of a session with nothing left (no step, no tool call, no time) is refused: it could make no call.</remarks>
    public SpawnBudgetDecision DecideSpawn(Budgets? asked, TimeSpan elapsed)
    {
        asked ??= new Budgets();
        if (Budgets.MaxSteps is { } maxSteps && _steps >= maxSteps)
        {
            return DenySpawn("max_steps", $"The session has used {_steps} of its max_steps {maxSteps} (its open children's reservations count as used); nothing is left for a child.");
        }

        if (Budgets.MaxToolCalls is { } maxCalls && _toolCalls >= maxCalls)
        {
            return DenySpawn("max_tool_calls", $"The session has used {_toolCalls} of its max_tool_calls {maxCalls} (its open children's reservations count as used); nothing is left for a child.");
        }

        TimeSpan? timeLeft = null;
        if (Budgets.MaxDuration is { } maxDuration)
        {
            // Whole milliseconds, as run.started records a budget, so a resumed child keeps exactly this limit.
            var left = maxDuration - elapsed;
            timeLeft = TimeSpan.FromTicks(left.Ticks - (left.Ticks % TimeSpan.TicksPerMillisecond));
            if (timeLeft <= TimeSpan.Zero)
            {
                return DenySpawn("max_duration", $"The session has used {DurationText.Format(elapsed)} of its max_duration {DurationText.Format(maxDuration)}; no time is left for a child.");
            }
        }

        (string Limit, string Reason)? over = null;
        var steps = Carve(Budgets.MaxSteps, _steps, asked.MaxSteps, "max_steps", Half, ref over);
        var calls = Carve(Budgets.MaxToolCalls, _toolCalls, asked.MaxToolCalls, "max_tool_calls", Half, ref over);
        var cost = Carve(Budgets.MaxCost, _cost, asked.MaxCost, "max_cost", Half, ref over);
        if (over is { } refusal)
        {
            return DenySpawn(refusal.Limit, refusal.Reason);
        }

        var duration = timeLeft is { } cap ? (asked.MaxDuration is { } wanted && wanted < cap ? wanted : cap) : asked.MaxDuration;
        var child = Budgets with { MaxSteps = steps, MaxToolCalls = calls, MaxCost = cost, MaxDuration = duration };
        var reserved = new BudgetReservation(Budgets.MaxSteps is null ? 0 : steps!.Value, Budgets.MaxToolCalls is null ? 0 : calls!.Value, Budgets.MaxCost is null ? 0m : cost!.Value);
        return new SpawnBudgetDecision { Effect = GateEffect.Permit, Reason = "The child's budget fits in what the session has left.", Child = child, Reserved = reserved };
    }

    /// <summary>Counts <paramref name="reserved"/> as spent: a child's budget, until it closes.</summary>
    public void Reserve(BudgetReservation reserved)
    {
        _steps += reserved.Steps;
        _toolCalls += reserved.ToolCalls;
        _cost += reserved.Cost;
    }

    /// <summary>Takes back what a closed child did not use of its reservation.</summary>
    public void Release(BudgetReservation unused)
    {
        _steps -= unused.Steps;
        _toolCalls -= unused.ToolCalls;
        _cost -= unused.Cost;
    }

    /// <summary>Starts the ledger from what a resumed run had spent (<see cref="UsageLedger"/>); a new gate has spent nothing.</summary>
    public void Restore(UsageLedger spent)
    {
        ArgumentNullException.ThrowIfNull(spent);
        (_steps, _toolCalls, _cost) = (spent.Steps, spent.ToolCalls, spent.Cost);
    }

    /// <summary>Records a permitted call.</summary>
    public void Commit(decimal cost, bool newStep = true)
    {
        if (newStep)
        {
            _steps++;
        }

        _toolCalls++;
        _cost += cost;
    }

    // A limit the child gets: the one it names when that fits in what is left of the parent's, half of what is left when
    // it names none, or its own when the parent has no such limit; `over` says which limit the ask does not fit, and why.
    private static T? Carve<T>(T? limit, T used, T? asked, string name, Func<T, T> half, ref (string Limit, string Reason)? over)
        where T : struct, INumber<T>
    {
        if (asked is { } negative && negative < T.Zero)
        {
            // A negative limit reserved from the parent would add to what the parent has left.
            over ??= (name, $"The child asks for {name} {Text(negative)}; a limit cannot be negative.");
            return null;
        }

        if (limit is not { } max)
        {
            return asked;
        }

        var left = max - used;
        if (asked is { } wanted && wanted > left)
        {
            over ??= (name, $"The child asks for {name} {Text(wanted)}; the session has {Text(left)} left of {Text(max)} (its open children's reservations count as used).");
            return null;
        }

        return asked ?? half(left);
    }

    // Half of what is left: counts rounded up, so that a last step or call can still be handed on; cost exactly.
    private static long Half(long left) => left - (left / 2);

    private static decimal Half(decimal left) => left / 2m;

    private static string Text<T>(T value)
        where T : INumber<T> => value.ToString(null, CultureInfo.InvariantCulture);

    private static SpawnBudgetDecision DenySpawn(string limit, string reason) =>
        new() { Effect = GateEffect.Deny, Code = ErrorCatalog.SpawnBudgetExhausted, Limit = limit, Reason = reason };

    internal static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static BudgetDecision Deny(ErrorCode code, string limit, string reason, decimal cost, BudgetUsage before) =>
        new() { Effect = GateEffect.Deny, Code = code, Limit = limit, Reason = reason, Cost = cost, Before = before };
}
