using Reach.Core.Errors;
using Reach.Core.Hashing;

namespace Reach.Core.Transcripts;

/// <summary>Why a transcript failed to verify, and where.</summary>
/// <param name="Error">The catalogue entry.</param>
/// <param name="Message">What is wrong, in words.</param>
/// <param name="Line">The 1-based line of the first bad line.</param>
/// <param name="Seq">The sequence number expected at that line, when it is an event.</param>
/// <param name="Expected">The expected value (a hash, a number), when there is one.</param>
/// <param name="Actual">The value found.</param>
public sealed record VerificationFailure(ErrorCode Error, string Message, long Line, long? Seq = null, string? Expected = null, string? Actual = null);

/// <summary>The outcome of verifying a transcript.</summary>
public sealed record VerificationReport
{
    /// <summary>True when every check passed and the transcript is sealed.</summary>
    public bool Ok => Failure is null;

    /// <summary>The header, when line 1 could be read.</summary>
    public TranscriptHeader? Header { get; init; }

    /// <summary>How many whole events verified (all of them when <see cref="Ok"/>).</summary>
    public long Events { get; init; }

    /// <summary>How many of those events are redacted.</summary>
    public long Redacted { get; init; }

    /// <summary>The fingerprint computed over the events that verified.</summary>
    public Sha256Digest Fingerprint { get; init; }

    /// <summary>True when the transcript ends with a seal that matched.</summary>
    public bool Sealed { get; init; }

    /// <summary>True when the last line was cut off mid-write.</summary>
    public bool Torn { get; init; }

    /// <summary>The first failure, or null.</summary>
    public VerificationFailure? Failure { get; init; }

    /// <summary>True when the events read so far form an intact chain, even if the transcript is torn or unsealed.</summary>
    public bool ChainIntact => Failure is null || Failure.Error == ErrorCatalog.TranscriptTorn || Failure.Error == ErrorCatalog.TranscriptUnsealed;
}
