using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Packs;
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

/// <summary>What <see cref="GatewayReplay.Reevaluate"/> found.</summary>
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
/// Replay for gateway transcripts: every recorded call is re-decided by the policy and budget gates against the
/// recording (its arguments, the usage and per-tool counts before it, the recorded clock) and nothing is sent to any
/// server. Reports the first decision that differs, e.g. after a policy change.
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
    public static GatewayReplayReport Reevaluate(byte[] transcript, ConnectorPins pins, IPolicyGate policy)
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

        var events = recorded.Events;
        var started = events[0].Data!.Value;
        var budgets = ReadBudgets(started.GetProperty("budgets"));
        var pack = GatewayPack.Create(pins, budgets);
        var startedAt = DateTimeOffset.Parse(started.GetProperty("at").GetString()!, CultureInfo.InvariantCulture);
        var inputs = started.GetProperty("inputs");
        var budget = new BudgetGate(budgets);
        var tallies = new List<ToolTally>();
        long calls = 0, decisions = 0, pinRefusals = 0;
        DecisionDivergence? divergence = null;
        for (var i = 0; i < events.Count && divergence is null; i++)
        {
            if (events[i].Type != EventTypes.StepStarted)
            {
                continue;
            }

            var step = events[i].Data!.Value;
            var tool = step.GetProperty("tool").GetString()!;
            var elapsed = DateTimeOffset.Parse(step.GetProperty("at").GetString()!, CultureInfo.InvariantCulture) - startedAt;
            var declaration = pack.Pack.Manifest.FindTool(tool);
            var request = new ToolCallRequest
            {
                Tool = tool,
                RequiredPermissions = declaration?.Permissions ?? [],
                Declaration = declaration,
                Input = step.GetProperty("input"),
                Pack = pack.Pack.Manifest,
                StepIndex = step.GetProperty("index").GetInt64(),
                Usage = budget.Usage(elapsed),
                Inputs = inputs,
                Tallies = [.. tallies],
            };
            calls++;
            if (i + 1 >= events.Count || events[i + 1].Type != EventTypes.PolicyDecision)
            {
                continue;
            }

            var policyEvent = events[i + 1];
            var recordedPolicy = Verdict(policyEvent.Data!.Value, "rules");
            if (recordedPolicy.Rules.Contains(PinGate.Rule))
            {
                pinRefusals++;
                continue;
            }

            var decided = Decide(policy, request);
            decisions++;
            var replayedPolicy = new GateVerdict(decided.Effect == GateEffect.Permit ? "permit" : "deny", decided.Code?.Code, decided.Rules);
            if (!Same(recordedPolicy, replayedPolicy))
            {
                divergence = new DecisionDivergence(policyEvent.Seq, tool, "policy", recordedPolicy, replayedPolicy);
                break;
            }

            if (decided.Effect == GateEffect.Deny || i + 2 >= events.Count || events[i + 2].Type != EventTypes.BudgetDecision)
            {
                continue;
            }

            var budgetEvent = events[i + 2];
            var recordedBudget = Verdict(budgetEvent.Data!.Value, null);
            var cost = declaration?.Cost ?? 0m;
            var budgetDecision = budget.Decide(cost, elapsed);
            decisions++;
            var replayedBudget = new GateVerdict(budgetDecision.Effect == GateEffect.Permit ? "permit" : "deny", budgetDecision.Code?.Code, budgetDecision.Limit is null ? [] : [budgetDecision.Limit]);
            if (!Same(recordedBudget, replayedBudget))
            {
                divergence = new DecisionDivergence(budgetEvent.Seq, tool, "budget", recordedBudget, replayedBudget);
                break;
            }

            if (budgetDecision.Effect == GateEffect.Permit)
            {
                budget.Commit(cost);
                Tally(tallies, tool, cost);
            }
        }

        return new GatewayReplayReport
        {
            RunId = recorded.Header.RunId,
            Connector = pins.Connector,
            Calls = calls,
            Decisions = decisions,
            PinRefusals = pinRefusals,
            Divergence = divergence,
            LikelyCause = divergence is null ? null : Cause(recorded.Header, pack, policy),
        };
    }

    private static PolicyDecision Decide(IPolicyGate policy, ToolCallRequest request)
    {
        try
        {
            return CallGates.Decide(policy, request);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return PolicyDecision.Deny(ErrorCatalog.PolicyGateFailed, ex.Message);
        }
    }

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

    private static GateVerdict Verdict(JsonElement data, string? rulesMember)
    {
        var rules = new List<string>();
        if (rulesMember is not null && data.TryGetProperty(rulesMember, out var array))
        {
            foreach (var rule in array.EnumerateArray())
            {
                rules.Add(rule.GetString()!);
            }
        }
        else if (rulesMember is null && data.TryGetProperty("limit", out var limit))
        {
            rules.Add(limit.GetString()!);
        }

        return new GateVerdict(data.GetProperty("effect").GetString()!, data.TryGetProperty("code", out var code) ? code.GetString() : null, rules);
    }

    private static bool Same(GateVerdict a, GateVerdict b) =>
        a.Effect == b.Effect && a.Code == b.Code && a.Rules.Order(StringComparer.Ordinal).SequenceEqual(b.Rules.Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private static void Tally(List<ToolTally> tallies, string tool, decimal cost)
    {
        for (var i = 0; i < tallies.Count; i++)
        {
            if (tallies[i].Tool == tool)
            {
                tallies[i] = tallies[i] with { Calls = tallies[i].Calls + 1, Cost = tallies[i].Cost + cost };
                return;
            }
        }

        tallies.Add(new ToolTally(tool, 1, cost));
    }

    private static Budgets ReadBudgets(JsonElement budgets) => new()
    {
        MaxSteps = budgets.TryGetProperty("max_steps", out var steps) ? steps.GetInt64() : null,
        MaxToolCalls = budgets.TryGetProperty("max_tool_calls", out var calls) ? calls.GetInt64() : null,
        MaxCost = budgets.TryGetProperty("max_cost", out var cost) ? cost.GetDecimal() : null,
        MaxDuration = budgets.TryGetProperty("max_duration_ms", out var ms) ? TimeSpan.FromMilliseconds(ms.GetInt64()) : null,
    };
}
