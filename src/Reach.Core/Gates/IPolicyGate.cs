using Reach.Core.Hashing;

namespace Reach.Core.Gates;

/// <summary>
/// Decides whether a tool call may run. Default deny: a gate permits only what it can justify; a gate that throws
/// denies (the session turns the exception into a recorded denial).
/// </summary>
public interface IPolicyGate
{
    /// <summary>The digest of the policy, recorded in each transcript header.</summary>
    Sha256Digest Digest { get; }

    /// <summary>Decides one call.</summary>
    PolicyDecision Decide(ToolCallRequest request);
}
