using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Replay;
using Reach.Core.Transcripts;
using Reach.Mcp.Connectors;

namespace Reach.Mcp.Gateway;

/// <summary>One gate decision of a gateway transcript, as recorded or as re-evaluated.</summary>
/// <param name="Effect">permit or deny.</param>
/// <param name="Code">The denial's code, if any.</param>
/// <param name="Rules">The deciding rules (policy) or the limit (budget).</param>
public sealed record GateVerdict(string Effect, string? Code, IReadOnlyList<string> Rules);

/// <summary>The first decision that a re-evaluation decided differently.</summary>
/// <param name="Seq">The recorded decision's event number.</param>
/// <param name="Tool">The call's tool.</param>
/// <param name="Gate">policy or budget.</param>
/// <param name="Recorded">What was recorded.</param>
/// <param name="Replayed">What the gate decides now.</param>
public sealed record DecisionDivergence(long Seq, string Tool, string Gate, GateVerdict Recorded, GateVerdict Replayed);

/// <summary>What <see cref="GatewayReplay.ReevaluateAsync"/> found.</summary>
public sealed record GatewayReplayReport
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The connector.</summary>
    public required string Connector { get; init; }

    /// <summary>How many recorded calls were re-decided.</summary>
    public long Calls { get; init; }

    /// <summary>How many decisions (policy and budget) were compared.</summary>
    public long Decisions { get; init; }

    /// <summary>Pin-check refusals, kept as recorded (they depend on what the server offered then).</summary>
    public long PinRefusals { get; init; }

    /// <summary>The first decision that differs, or null when every one matches.</summary>
    public DecisionDivergence? Divergence { get; init; }

    /// <summary>Why decisions may differ: a changed policy or changed pins, or null.</summary>
    public string? LikelyCause { get; init; }

    /// <summary>True when every decision matches.</summary>
    public bool Ok => Divergence is null;
}

/// <summary>
/// Replay for gateway transcripts, local or recorded by a runner: Core's <see cref="CallReplayer"/> opens a
/// <see cref="RunSession"/> on the gateway pack (the connector's current pins, the recorded budgets) with the recorded
/// clock, randomness and inputs, and proposes every recorded call again with its recorded outcome
/// (<c>CallExecution.FedBy</c>) and its recorded pin refusal, so the pipeline's gates (policy, budget) decide it anew
/// and nothing is sent to any server. Reports the first decision that differs, e.g. after a policy change.
/// </summary>
public static class GatewayReplay
{
    /// <summary>True when the transcript's header names a gateway pack (<c>mcp/&lt;connector&gt;</c>).</summary>
    public static bool IsGatewayTranscript(TranscriptHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.PackName.StartsWith(GatewayPack.NamePrefix, StringComparison.Ordinal);
    }

    /// <summary>True when the transcript's header names the gateway pack a runner recorded <paramref name="connector"/>'s session in (<c>mcp-&lt;connector&gt;</c>, <c>--runner</c>).</summary>
    public static bool IsRunnerGatewayTranscript(TranscriptHeader header, string connector)
    {
        ArgumentNullException.ThrowIfNull(header);
        return string.Equals(header.PackName, GatewayPack.RunnerNamePrefix + connector, StringComparison.Ordinal) && header.PackVersion == GatewayPack.PackVersion;
    }

    /// <summary>Re-decides every call of <paramref name="transcript"/> with <paramref name="policy"/> and the connector's current <paramref name="pins"/>.</summary>
    public static async Task<GatewayReplayReport> ReevaluateAsync(byte[] transcript, ConnectorPins pins, IPolicyGate policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(pins);
        ArgumentNullException.ThrowIfNull(policy);
        VerificationReport verification;
        using (var stream = new MemoryStream(transcript, writable: false))
        {
            verification = TranscriptVerifier.Verify(stream);
        }

        if (!verification.Ok)
        {
            throw new ReachException(verification.Failure!.Error, $"The transcript does not verify, so it cannot be replayed: {verification.Failure.Message}");
        }

        var recorded = RecordedTranscript.Read(transcript);
        if (!IsGatewayTranscript(recorded.Header) && !IsRunnerGatewayTranscript(recorded.Header, pins.Connector))
        {
            throw new ReachException(ErrorCatalog.McpReplayNotGateway, $"The transcript's pack is '{recorded.Header.PackName}', not an MCP gateway session.");
        }

        GatewayPack? pack = null;
        var report = await CallReplayer.ReplayAsync(recorded, budgets => (pack = GatewayPack.Create(pins, budgets)).Pack, policy, cancellationToken).ConfigureAwait(false);
        var divergence = report.Divergence is { } found
            ? new DecisionDivergence(found.Seq, found.Tool, found.Gate, Verdict(found.Recorded), found.Replayed is { } replayed ? Verdict(replayed) : new GateVerdict("none", null, []))
            : null;
        return new GatewayReplayReport
        {
            RunId = recorded.Header.RunId,
            Connector = pins.Connector,
            Calls = report.Calls,
            Decisions = report.Decisions,
            PinRefusals = report.PinRefusals,
            Divergence = divergence,
            LikelyCause = divergence is null ? null : Cause(recorded.Header, pack!, policy),
        };
    }

    private static GateVerdict Verdict(DecisionVerdict verdict) => new(verdict.Effect, verdict.Code, verdict.Rules);

    private static string? Cause(TranscriptHeader header, GatewayPack pack, IPolicyGate policy)
    {
        var causes = new List<string>();
        if (header.PolicyDigest != policy.Digest)
        {
            causes.Add($"The policy changed since the session (policy digest {header.PolicyDigest} → {policy.Digest}).");
        }

        if (header.PackDigest != pack.Pack.Digest)
        {
            causes.Add($"The connector's pins changed since the session (pins digest {header.PackDigest} → {pack.Pack.Digest}), and with them the tools' permissions.");
        }

        return causes.Count == 0 ? null : string.Join(' ', causes);
    }
}
