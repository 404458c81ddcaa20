using Reach.Core.Hashing;

namespace Reach.Core.Replay;

/// <summary>What kind of difference a replay found first.</summary>
public enum DivergenceKind
{
    /// <summary>The header differs (pack, inputs, policy or engine), while every event matched.</summary>
    HeaderChanged,

    /// <summary>An event at the same position differs.</summary>
    ChangedEvent,

    /// <summary>The replay wrote an event the recording does not have.</summary>
    ExtraEvent,

    /// <summary>The recording has an event the replay did not write.</summary>
    MissingEvent,

    /// <summary>A recorded side effect was never asked for.</summary>
    UnconsumedEffect,
}

/// <summary>The first difference between a recording and its replay.</summary>
public sealed record Divergence
{
    /// <summary>The kind.</summary>
    public required DivergenceKind Kind { get; init; }

    /// <summary>The sequence number, or null for the header.</summary>
    public long? Seq { get; init; }

    /// <summary>The recorded side (shortened canonical JSON), or null when it has none.</summary>
    public string? Recorded { get; init; }

    /// <summary>The replayed side (shortened canonical JSON), or null when it has none.</summary>
    public string? Replayed { get; init; }

    /// <summary>The recorded event's hash.</summary>
    public string? RecordedHash { get; init; }

    /// <summary>The replayed event's hash.</summary>
    public string? ReplayedHash { get; init; }

    /// <summary>The likely cause, in words.</summary>
    public required string LikelyCause { get; init; }
}

/// <summary>The outcome of a replay.</summary>
public sealed record ReplayReport
{
    /// <summary>True when the replay's fingerprint equals the recording's.</summary>
    public bool Ok => Divergence is null;

    /// <summary>The run id.</summary>
    public required string RunId { get; init; }

    /// <summary>The recorded fingerprint.</summary>
    public required Sha256Digest RecordedFingerprint { get; init; }

    /// <summary>The replay's fingerprint.</summary>
    public required Sha256Digest Fingerprint { get; init; }

    /// <summary>How many events the recording has.</summary>
    public required long Events { get; init; }

    /// <summary>How many events were re-executed (deterministic tools) rather than fed.</summary>
    public long ReExecuted { get; init; }

    /// <summary>How many recorded side-effect results were fed back.</summary>
    public long Fed { get; init; }

    /// <summary>The first difference, or null.</summary>
    public Divergence? Divergence { get; init; }
}
