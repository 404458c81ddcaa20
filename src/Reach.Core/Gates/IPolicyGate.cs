using Reach.Core.Hashing;

namespace Reach.Core.Gates;

/// <summary>
/// The policy of the gate pipeline (<see cref="CallGates"/>): decides a call the pack declares. Default deny: a gate
/// permits only what it can justify; a gate that throws denies (the session turns the exception into a recorded denial).
/// </summary>
public interface IPolicyGate
{
    /// <summary>The digest of the policy, recorded in each transcript header.</summary>
    Sha256Digest Digest { get; }

    /// <summary>The policy's mode (<c>enforce</c> or <c>warn</c>) when it has one; the floor's denials carry it too.</summary>
    string? ModeName => null;

    /// <summary>Decides one call of a declared tool whose permissions the pack grants.</summary>
    PolicyDecision Decide(ToolCallRequest request);
}
