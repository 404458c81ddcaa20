using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;

namespace Reach.Core.Engine;

/// <summary>What happened to a proposed call: denied by a gate, failed, or completed with an output.</summary>
public sealed record CallOutcome
{
    /// <summary>The call's status: <see cref="RunStatus.Succeeded"/> when it completed.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The output of a completed call.</summary>
    public JsonElement Output { get; init; }

    /// <summary>The code of a denial or failure.</summary>
    public ErrorCode? Code { get; init; }

    /// <summary>The reason of a denial or failure.</summary>
    public string? Reason { get; init; }

    /// <summary>Which gate denied: <c>policy</c> or <c>budget</c>.</summary>
    public string? Gate { get; init; }

    /// <summary>The rules (policy) or limit (budget) that decided a denial.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>The policy decision.</summary>
    public PolicyDecision? Policy { get; init; }

    /// <summary>The sequence number of the last event the call wrote.</summary>
    public long Seq { get; init; }

    /// <summary>The hash of that event.</summary>
    public Sha256Digest Hash { get; init; }
}
