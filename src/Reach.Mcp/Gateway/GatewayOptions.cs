using Reach.Core;
using Reach.Core.Gates;
using Reach.Core.Transcripts;

namespace Reach.Mcp.Gateway;

/// <summary>What one gateway session needs: the pins, the gates, the transcript, and its limits on the server.</summary>
public sealed record GatewayOptions
{
    /// <summary>The connector's pins as a pack, with the budgets.</summary>
    public required GatewayPack Pack { get; init; }

    /// <summary>Opens the transcript stream for the run id the session draws.</summary>
    public required Func<string, Stream> OpenTranscript { get; init; }

    /// <summary>The policy gate (Core's declared-tools gate when no bundle is given).</summary>
    public IPolicyGate Policy { get; init; } = DeclaredToolsPolicyGate.Instance;

    /// <summary><c>stdio</c> or <c>http</c>: how the client reaches the gateway (recorded in the run's inputs).</summary>
    public string ClientTransport { get; init; } = "stdio";

    /// <summary>How long a tool call or the gateway's own tools/list may wait for the server.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest tool result, in bytes of JSON, that is forwarded and recorded.</summary>
    public int MaxResultBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Values that must never be recorded (the <c>--env</c> variables' values); replaced in recorded data.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The injected clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The injected randomness.</summary>
    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;

    /// <summary>Record into a session of this runner instead of a local transcript (<c>--runner</c>).</summary>
    public RunnerTarget? Runner { get; init; }

    /// <summary>How the transcript is made durable.</summary>
    public TranscriptWriterOptions WriterOptions { get; init; } = new();
}

/// <summary>A runner to record into: its URL, the gateway pack written for it, and the policy bundle it compiles.</summary>
/// <param name="Url">The runner's base URL (<c>http://127.0.0.1:8787</c>).</param>
/// <param name="PackDirectory">The directory holding the gateway pack (<see cref="RunnerGatewaySession.WritePack"/>).</param>
/// <param name="PolicyPath">The bundle file, sent to the runner inline; null for the runner's default gate.</param>
/// <param name="PolicyMode">enforce or warn, with a bundle.</param>
public sealed record RunnerTarget(Uri Url, string PackDirectory, string? PolicyPath, string? PolicyMode);
