using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;

namespace Reach.Core.Engine;

/// <summary>The end of a run: status, fingerprint and, for a denial or failure, the code, reason and where.</summary>
public sealed record RunResult
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>How it ended.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The RFC 6962 head over the event hashes.</summary>
    public required Sha256Digest Fingerprint { get; init; }

    /// <summary>How many events were written.</summary>
    public required long Events { get; init; }

    /// <summary>The code of a denial or failure.</summary>
    public ErrorCode? Code { get; init; }

    /// <summary>The reason of a denial or failure.</summary>
    public string? Reason { get; init; }

    /// <summary>Which gate denied.</summary>
    public string? Gate { get; init; }

    /// <summary>The deciding rules or limit.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>The step where the run stopped, when it did not succeed.</summary>
    public string? StepId { get; init; }

    /// <summary>The last step's output, when the run succeeded.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>What the run spent, as <c>run.finished</c> records it (its children's reservations included).</summary>
    public BudgetUsage Usage { get; init; }
}
