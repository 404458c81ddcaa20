using Reach.Core.Errors;

namespace Reach.Core.Gates;

/// <summary>
/// A policy gate's decision: the effect, the deciding rules and a reason a person or a model can act on. Made only by
/// <see cref="Permit"/>, <see cref="Deny"/> and <see cref="Waive"/>, so a denial always carries its code.
/// </summary>
public sealed record PolicyDecision
{
    private PolicyDecision()
    {
    }

    /// <summary>Permit or deny.</summary>
    public GateEffect Effect { get; private init; }

    /// <summary>The ids of the rules that decided.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>Why, in words.</summary>
    public required string Reason { get; init; }

    /// <summary>The catalogue code of a denial (in warn mode, of the denial that was waived); never null for a denial.</summary>
    public ErrorCode? Code { get; private init; }

    /// <summary>The policy's mode (<c>enforce</c> or <c>warn</c>) when the gate has one; recorded in the event when set.</summary>
    public string? Mode { get; init; }

    /// <summary>True when a gate in warn mode permitted a call its policy would have denied.</summary>
    public bool WouldDeny { get; private init; }

    /// <summary>A permit.</summary>
    public static PolicyDecision Permit(string reason, params string[] rules) => new() { Effect = GateEffect.Permit, Reason = reason, Rules = rules };

    /// <summary>A denial.</summary>
    public static PolicyDecision Deny(ErrorCode code, string reason, params string[] rules) =>
        new() { Effect = GateEffect.Deny, Code = code ?? throw new ArgumentNullException(nameof(code)), Reason = reason, Rules = rules };

    /// <summary>Warn mode: this denial, permitted instead, with <c>would_deny</c>, its code kept and <paramref name="reason"/> saying so.</summary>
    public PolicyDecision Waive(string reason) =>
        Effect == GateEffect.Deny
            ? this with { Effect = GateEffect.Permit, Mode = "warn", WouldDeny = true, Reason = reason }
            : throw new InvalidOperationException("Only a denial can be waived.");
}
