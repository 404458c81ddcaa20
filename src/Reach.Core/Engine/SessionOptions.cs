using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Engine;

/// <summary>Everything a <see cref="RunSession"/> needs; the clock, randomness and effects are the only doors to the world.</summary>
public sealed record SessionOptions
{
    /// <summary>The pack whose tools, permissions and budgets bind the session.</summary>
    public required PackManifest Pack { get; init; }

    /// <summary>The pack's digest.</summary>
    public required Sha256Digest PackDigest { get; init; }

    /// <summary>The run's inputs, validated, defaults applied.</summary>
    public required JsonElement Inputs { get; init; }

    /// <summary>Opens the transcript stream for the run id the session draws.</summary>
    public required Func<string, Stream> OpenTranscript { get; init; }

    /// <summary>Produces side-effecting tools' results for calls executed here (<see cref="CallExecution.Here"/>).</summary>
    public required IEffectSource Effects { get; init; }

    /// <summary>The policy gate.</summary>
    public IPolicyGate Policy { get; init; } = DeclaredToolsPolicyGate.Instance;

    /// <summary>The pipeline's first gate, when the host has one: the MCP gateway's check that a tool is still the one pinned (<see cref="CallGates"/>).</summary>
    public ICallGate? Pins { get; init; }

    /// <summary>How long a gate may take to decide before it denies (null: as long as it takes). Measured on <see cref="Clock"/>.</summary>
    public TimeSpan? GateTimeout { get; init; }

    /// <summary>The tools.</summary>
    public ToolRegistry Tools { get; init; } = ToolRegistry.BuiltIn;

    /// <summary>The injected clock; every reading is recorded.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The injected randomness (run id, salts).</summary>
    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;

    /// <summary>How the transcript is made durable.</summary>
    public TranscriptWriterOptions WriterOptions { get; init; } = new();

    /// <summary>Told of every event as it is written (for live display).</summary>
    public Action<RunProgress>? Observer { get; init; }

    /// <summary>
    /// When set, the session's start (run.started's <c>at</c>, from which max_duration runs) instead of a new clock
    /// reading: a spawned child starts at its parent's spawn decision (<see cref="SpawnBudgetDecision.At"/>), so the
    /// time it was given ends no later than its parent's.
    /// </summary>
    public DateTimeOffset? StartedAt { get; init; }
}

/// <summary>One event as the session wrote it, for observers.</summary>
/// <param name="Seq">The sequence number.</param>
/// <param name="Type">The event type.</param>
/// <param name="StepId">The step, when the event belongs to one.</param>
/// <param name="Tool">The tool, when the event belongs to a call.</param>
/// <param name="Summary">A short human description.</param>
public sealed record RunProgress(long Seq, string Type, string? StepId, string? Tool, string Summary);
