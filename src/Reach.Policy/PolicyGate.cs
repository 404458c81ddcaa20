using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Policy.Evaluation;

namespace Reach.Policy;

/// <summary>
/// Core's <see cref="IPolicyGate"/> backed by a compiled bundle. The pack's declarations stay a floor: a call of a tool
/// the pack does not declare, or that needs a permission the pack does not grant, is denied by Core's declared gate
/// before the bundle is asked (in warn mode too), so a bundle can narrow what a pack may do but never widen it. Stateless: per-run counts come in
/// the request, so one gate serves any number of runs.
/// </summary>
public sealed class PolicyGate : IPolicyGate
{
    /// <summary>Creates a gate for <paramref name="bundle"/> in <paramref name="mode"/>.</summary>
    public PolicyGate(PolicyBundle bundle, PolicyMode mode = PolicyMode.Enforce)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        Bundle = bundle;
        Mode = mode;
    }

    /// <summary>The bundle.</summary>
    public PolicyBundle Bundle { get; }

    /// <summary>Enforce or warn.</summary>
    public PolicyMode Mode { get; }

    /// <inheritdoc/>
    public Sha256Digest Digest => Bundle.Digest;

    /// <inheritdoc/>
    public string? ModeName => PolicyModes.Name(Mode);

    /// <summary>
    /// Decides a call the pipeline's declared gate has let through (<see cref="CallGates"/>): the floor runs before
    /// any policy, so it is not repeated here. To ask about a call outside a session, use <see cref="CallGates.Decide"/>.
    /// </summary>
    public PolicyDecision Decide(ToolCallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Bundle.Decide(request, Mode);
    }
}
