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

    internal static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static BudgetDecision Deny(ErrorCode code, string limit, string reason, decimal cost, BudgetUsage before) =>
        new() { Effect = GateEffect.Deny, Code = code, Limit = limit, Reason = reason, Cost = cost, Before = before };
}
