using Reach.Core.Errors;
using Reach.Core.Hashing;

namespace Reach.Core.Gates;

/// <summary>
/// The gate pipeline: the one ordered list of gates every proposed call goes through, whoever drives it (a pack's
/// steps, the runner's HTTP calls, the MCP gateway, replay). Order matters and is fixed here:
/// <list type="number">
/// <item><b>pin</b> — the server's tool is still the one pinned: the MCP gateway's own gate, or, for every other host,
/// <see cref="PassedRefusals"/>, which records the pin refusal passed with the call (a runner recording a gateway session, replay);</item>
/// <item><b>declared</b> — the pack declares the tool and grants every permission it needs (the floor no policy can lower);</item>
/// <item><b>policy</b> — the session's <see cref="IPolicyGate"/> (the declared-only policy, or a compiled bundle);</item>
/// <item><b>budget</b> — the call fits in every limit of the run's ledger;</item>
/// <item><b>approval</b> — a person approves the exact call (issue 14: it goes here, last, so nobody is asked about a call a rule or the budget refuses).</item>
/// </list>
/// The pin, declared and policy gates share one event: the first of them that denies writes the <c>policy.decision</c>,
/// and when none does, the policy gate's permit is written; the budget gate always writes <c>budget.decision</c>.
/// So the transcript format is the one it has always been.
/// </summary>
public static class CallGates
{
    /// <summary>The gates of a session, in order.</summary>
    /// <param name="pins">The pin gate, or null for <see cref="PassedRefusals"/>.</param>
    /// <param name="policy">The policy gate.</param>
    /// <param name="ledger">The session's budget ledger.</param>
    public static IReadOnlyList<ICallGate> For(ICallGate? pins, IPolicyGate policy, BudgetGate ledger)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(ledger);
        return [pins ?? PassedRefusals, new DeclaredGate(policy), new PolicyStage(policy), new BudgetStage(ledger)];
    }

    /// <summary>The pin gate of a host that does not check pins itself: it denies with the refusal passed with the call (<see cref="GateContext.Refusal"/>), and passes every other call.</summary>
    public static ICallGate PassedRefusals { get; } = new PassedRefusalGate();

    private sealed class PassedRefusalGate : ICallGate
    {
        public string Name => "pin";

        // Only a denial with a pin refusal's code and rule counts: a passed value can never let a call through.
        public ValueTask<GateVerdict> DecideAsync(GateContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(context.Refusal is { } refusal ? new GateVerdict.Policy(PinRefusals.Deny(refusal.Code ?? ErrorCatalog.PolicyGateFailed, refusal.Reason)) : GateVerdict.Pass);

        public GateVerdict Failed(GateContext context, string reason) => PolicyFailure(reason);
    }

    /// <summary>
    /// The declared-tools floor then <paramref name="policy"/>, outside any session (a policy evaluated on its own):
    /// the same answer the pipeline's declared and policy gates give.
    /// </summary>
    public static PolicyDecision Decide(IPolicyGate policy, ToolCallRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return DeclaredGate.Refusal(request, policy.ModeName) ?? policy.Decide(request);
    }

    /// <summary>The denial a policy-stage gate records when it cannot decide.</summary>
    public static GateVerdict PolicyFailure(string reason) =>
        new GateVerdict.Policy(PolicyDecision.Deny(ErrorCatalog.PolicyGateFailed, reason));

    /// <summary>The floor: the pack declares the tool and grants every permission it needs.</summary>
    private sealed class DeclaredGate(IPolicyGate policy) : ICallGate
    {
        public string Name => "declared";

        // The one implementation of the floor; DeclaredToolsPolicyGate and CallGates.Decide use it too.
        public static PolicyDecision? Refusal(ToolCallRequest request, string? mode)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (request.Declaration is not { } declaration)
            {
                return PolicyDecision.Deny(ErrorCatalog.ToolNotDeclared, $"The tool '{request.Tool}' is not declared by the pack '{request.Pack.Name}'; undeclared tools are denied.", DeclaredToolsPolicyGate.DeclaredToolRule) with { Mode = mode };
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
                    return PolicyDecision.Deny(ErrorCatalog.PermissionNotDeclared, $"The tool '{request.Tool}' needs the permission '{needed[i]}', which the pack '{request.Pack.Name}' does not grant it.", DeclaredToolsPolicyGate.DeclaredPermissionsRule) with { Mode = mode };
                }
            }

            return null;
        }

        // The floor holds in warn mode too (an undeclared tool never runs); its denial carries the policy's mode.
        public ValueTask<GateVerdict> DecideAsync(GateContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Refusal(context.Request, policy.ModeName) is { } refusal ? new GateVerdict.Policy(refusal) : GateVerdict.Pass);

        public GateVerdict Failed(GateContext context, string reason) => PolicyFailure(reason);
    }

    /// <summary>The session's policy.</summary>
    private sealed class PolicyStage(IPolicyGate policy) : ICallGate
    {
        public string Name => "policy";

        public ValueTask<GateVerdict> DecideAsync(GateContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<GateVerdict>(new GateVerdict.Policy(policy.Decide(context.Request) ?? throw new InvalidOperationException("the gate returned no decision")));

        public GateVerdict Failed(GateContext context, string reason) => PolicyFailure(reason);
    }

    /// <summary>The run's budget ledger; it decides, the session commits a call every gate let through.</summary>
    private sealed class BudgetStage(BudgetGate ledger) : ICallGate
    {
        public string Name => "budget";

        public ValueTask<GateVerdict> DecideAsync(GateContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<GateVerdict>(new GateVerdict.Budget(ledger.Decide(context.Cost, context.Elapsed)));

        public GateVerdict Failed(GateContext context, string reason) =>
            new GateVerdict.Budget(BudgetDecision.Failed(reason, context.Cost));
    }

    /// <summary>The digest of the declared-only policy.</summary>
    internal static Sha256Digest DeclaredOnlyDigest { get; } = Sha256Digest.Compute("{\"policy\":\"reach.declared-only\",\"version\":1}"u8);

    /// <summary>The floor's refusal of <paramref name="request"/>, or null when the pack declares the tool and grants what it needs.</summary>
    internal static PolicyDecision? FloorRefusal(ToolCallRequest request, string? mode) => DeclaredGate.Refusal(request, mode);
}
