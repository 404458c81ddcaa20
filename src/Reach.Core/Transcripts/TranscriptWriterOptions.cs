namespace Reach.Core.Transcripts;

/// <summary>How a <see cref="TranscriptWriter"/> makes its bytes durable.</summary>
public sealed record TranscriptWriterOptions
{
    /// <summary>How often the file is fsynced while a run goes on (it is always fsynced when sealed). Zero fsyncs every event.</summary>
    public TimeSpan FsyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock that paces fsyncs; it never reaches hashed bytes.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
