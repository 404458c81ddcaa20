using Reach.Core.Errors;
using Reach.Core.Hashing;

namespace Reach.Core.Gates;

/// <summary>
/// The core policy: a call is permitted only when the pack declares the tool and grants every permission the tool
/// needs; anything else is denied. The policy engine replaces it through <see cref="IPolicyGate"/>.
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
    public Sha256Digest Digest { get; } = Sha256Digest.Compute("{\"policy\":\"reach.declared-only\",\"version\":1}"u8);

    /// <inheritdoc/>
    public PolicyDecision Decide(ToolCallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Declaration is null)
        {
            return PolicyDecision.Deny(ErrorCatalog.ToolNotDeclared, $"The tool '{request.Tool}' is not declared by the pack '{request.Pack.Name}'; undeclared tools are denied.", DeclaredToolRule);
        }

        foreach (var permission in request.RequiredPermissions)
        {
            var granted = false;
            foreach (var declared in request.Declaration.Permissions)
            {
                granted |= declared == permission;
            }

            if (!granted)
            {
                return PolicyDecision.Deny(ErrorCatalog.PermissionNotDeclared, $"The tool '{request.Tool}' needs the permission '{permission}', which the pack '{request.Pack.Name}' does not grant it.", DeclaredPermissionsRule);
            }
        }

        return PolicyDecision.Permit($"The pack declares '{request.Tool}' and grants the permissions it needs.", DeclaredToolRule, DeclaredPermissionsRule);
    }
}
