using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Policy.Evaluation;

namespace Reach.Policy;

/// <summary>
/// Core's <see cref="IPolicyGate"/> backed by a compiled bundle. The pack's declarations stay a floor: a call of a tool
/// the pack does not declare, or that needs a permission the pack does not grant, is denied by Core's rules before the
/// bundle is asked (in warn mode too), so a bundle can narrow what a pack may do but never widen it. Stateless: per-run counts come in
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
    public PolicyDecision Decide(ToolCallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Declared(request))
        {
            // The floor holds in warn mode too: an undeclared tool never runs.
            return DeclaredToolsPolicyGate.Instance.Decide(request) with { Mode = PolicyModes.Name(Mode) };
        }

        return Bundle.Decide(request, Mode);
    }

    // The same test as DeclaredToolsPolicyGate, without building a decision when it passes.
    private static bool Declared(ToolCallRequest request)
    {
        if (request.Declaration is not { } declaration)
        {
            return false;
        }

        var needed = request.RequiredPermissions;
        for (var i = 0; i < needed.Count; i++)
        {
            var granted = false;
            var declared = declaration.Permissions;
            for (var j = 0; j < declared.Count && !granted; j++)
            {
                granted = string.Equals(declared[j], needed[i], StringComparison.Ordinal);
            }

            if (!granted)
            {
                return false;
            }
        }

        return true;
    }
}
