namespace Reach.Core.Gates;

/// <summary>
/// One gate of the pipeline every proposed call goes through (<see cref="CallGates"/> holds the list, in order). A gate
/// returns a typed verdict; the verdict is the gate's decision event (<see cref="GateVerdict.Policy"/> is written as
/// <c>policy.decision</c>, <see cref="GateVerdict.Budget"/> as <c>budget.decision</c>) or <see cref="GateVerdict.Pass"/>,
/// which records nothing and hands the call to the next gate. The first denial stops the call. A gate may wait (a
/// person's approval), so it is asynchronous and takes a token; one that throws or does not answer in time denies
/// with <see cref="Failed"/>, recorded like any other denial.
/// </summary>
public interface ICallGate
{
    /// <summary>The gate's name (<c>pin</c>, <c>declared</c>, <c>policy</c>, <c>budget</c>), as hosts show it.</summary>
    string Name { get; }

    /// <summary>Decides one call.</summary>
    ValueTask<GateVerdict> DecideAsync(GateContext context, CancellationToken cancellationToken);

    /// <summary>The denial this gate records when it cannot decide (it threw, or timed out): <paramref name="reason"/> says why.</summary>
    GateVerdict Failed(GateContext context, string reason);
}

/// <summary>What a gate is asked: the call as the policy sees it, its cost and how far the run has got.</summary>
public sealed record GateContext
{
    /// <summary>The call, with the declaration, required permissions, spend so far and tallies.</summary>
    public required ToolCallRequest Request { get; init; }

    /// <summary>What one call of the tool costs (its declaration's <c>cost</c>, 0 when undeclared).</summary>
    public required decimal Cost { get; init; }

    /// <summary>The time the run has used when the call is proposed.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The pin refusal the host passed with the call (<see cref="Engine.ProposedCall.Refusal"/>), if any: the pipeline's first gate records it.</summary>
    public PolicyDecision? Refusal { get; init; }

    /// <summary>True when nothing will be recorded or charged (a dry evaluation such as the runner's <c>decide</c>): a gate that would wait for a person answers without waiting.</summary>
    public bool DryRun { get; init; }
}

/// <summary>A gate's typed verdict.</summary>
public abstract record GateVerdict
{
    private GateVerdict()
    {
    }

    /// <summary>No objection and nothing to record: the next gate decides.</summary>
    public static GateVerdict Pass { get; } = new Passed();

    /// <summary>True when the verdict stops the call.</summary>
    public abstract bool Denies { get; }

    /// <summary>See <see cref="Pass"/>.</summary>
    public sealed record Passed : GateVerdict
    {
        /// <inheritdoc/>
        public override bool Denies => false;
    }

    /// <summary>A policy decision, recorded as <c>policy.decision</c>.</summary>
    /// <param name="Decision">The decision.</param>
    public sealed record Policy(PolicyDecision Decision) : GateVerdict
    {
        /// <inheritdoc/>
        public override bool Denies => Decision.Effect == GateEffect.Deny;
    }

    /// <summary>A budget decision, recorded as <c>budget.decision</c>.</summary>
    /// <param name="Decision">The decision.</param>
    public sealed record Budget(BudgetDecision Decision) : GateVerdict
    {
        /// <inheritdoc/>
        public override bool Denies => Decision.Effect == GateEffect.Deny;
    }
}
