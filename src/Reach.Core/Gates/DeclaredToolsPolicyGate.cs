using Reach.Core.Hashing;

namespace Reach.Core.Gates;

/// <summary>
/// The core policy, "declared or denied": a call is permitted when the pack declares the tool and grants every
/// permission it needs. The floor itself is the pipeline's declared gate (<see cref="CallGates"/>), which runs before
/// any policy; this gate records its permit. The policy engine replaces it through <see cref="IPolicyGate"/>.
/// </summary>
public sealed class DeclaredToolsPolicyGate : IPolicyGate
{
    /// <summary>The rule that requires a declaration.</summary>
    public const string DeclaredToolRule = "reach.declared-tool";

    /// <summary>The rule that requires every permission to be granted.</summary>
    public const string DeclaredPermissionsRule = "reach.declared-permissions";

    /// <summary>The shared instance.</summary>
    public static DeclaredToolsPolicyGate Instance { get; } = new();

    /// <inheritdoc/>
    public Sha256Digest Digest => CallGates.DeclaredOnlyDigest;

    /// <inheritdoc/>
    public PolicyDecision Decide(ToolCallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallGates.FloorRefusal(request, null)
            ?? PolicyDecision.Permit($"The pack declares '{request.Tool}' and grants the permissions it needs.", DeclaredToolRule, DeclaredPermissionsRule);
    }
}
