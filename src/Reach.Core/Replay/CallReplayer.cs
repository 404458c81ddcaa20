using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Replay;

/// <summary>One recorded or replayed gate decision: its effect, code and deciding rules (policy) or limit (budget).</summary>
/// <param name="Effect">permit or deny.</param>
/// <param name="Code">The denial's code, if any.</param>
/// <param name="Rules">The deciding rules (policy) or the limit (budget).</param>
public sealed record DecisionVerdict(string Effect, string? Code, IReadOnlyList<string> Rules);

/// <summary>The first recorded decision the replay decided differently.</summary>
/// <param name="Seq">The recorded decision's event number.</param>
/// <param name="Tool">The call's tool.</param>
/// <param name="Gate">policy or budget.</param>
/// <param name="Recorded">What was recorded.</param>
/// <param name="Replayed">What the replay decided (null when it wrote no such decision).</param>
public sealed record CallDivergence(long Seq, string Tool, string Gate, DecisionVerdict Recorded, DecisionVerdict? Replayed);

/// <summary>What <see cref="CallReplayer.ReplayAsync"/> found.</summary>
public sealed record CallReplayReport
{
    /// <summary>How many recorded calls were proposed again.</summary>
    public long Calls { get; init; }

    /// <summary>How many decisions (policy and budget) were compared.</summary>
    public long Decisions { get; init; }

    /// <summary>Pin refusals, fed back as recorded (they depend on what the server offered then).</summary>
    public long PinRefusals { get; init; }

    /// <summary>The first decision that differs, or null when every one matches.</summary>
    public CallDivergence? Divergence { get; init; }
}

/// <summary>
/// Replay of a session driven call by call by a host rather than by a pack's steps (the MCP gateway's, locally or in a
/// runner): a <see cref="RunSession"/> is opened with the recorded clock readings, randomness, inputs and budgets, and
/// each recorded call is proposed again with its recorded outcome (<see cref="CallExecution.FedBy"/>) and its recorded
/// pin refusal (<see cref="ProposedCall.Refusal"/>), so the pipeline's gates decide it anew; the decisions it writes
/// are compared with the recorded ones. Nothing is executed.
/// </summary>
public static class CallReplayer
{
    /// <summary>Replays <paramref name="recorded"/> (a transcript that verified) with the pack <paramref name="pack"/> builds from the recorded budgets, and <paramref name="policy"/>.</summary>
    public static async ValueTask<CallReplayReport> ReplayAsync(RecordedTranscript recorded, Func<Budgets, LoadedPack> pack, IPolicyGate policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(policy);
        var feed = ReplayFeed.FromRecorded(recorded);
        var started = recorded.Events.Count > 0 && recorded.Events[0].Type == EventTypes.RunStarted ? recorded.Events[0].Data!.Value : throw new ReachException(ErrorCatalog.ReplayIncomplete, "The transcript does not start with run.started.");
        var loaded = pack(ReadBudgets(started.GetProperty("budgets")));
        var recordedCalls = Calls(recorded);
        var output = new MemoryStream();
        long calls = 0;
        using (var session = new RunSession(new SessionOptions
        {
            Pack = loaded.Manifest,
            PackDigest = loaded.Digest,
            Inputs = feed.Inputs ?? started.GetProperty("inputs"),
            OpenTranscript = _ => output,
            Effects = NoEffects.Instance,
            Policy = policy,
            Clock = new RecordedClock(feed.Readings),
            Random = new RecordedRandom(feed.Randomness),
        }))
        {
            foreach (var call in recordedCalls)
            {
                calls++;
                var fed = call.Outcome ?? ToolOutcome.Failure(ErrorCatalog.ReplayDiverged, $"Replay: no result of {call.Call.Tool} was recorded.");
                await session.ProposeAsync(call.Call, CallExecution.FedBy(fed), cancellationToken).ConfigureAwait(false);
            }

            session.Finish(RunStatus.Succeeded);
        }

        var replayed = Calls(RecordedTranscript.Read(output.ToArray()));
        long decisions = 0, pins = 0;
        for (var i = 0; i < recordedCalls.Count; i++)
        {
            var mine = recordedCalls[i].Decisions;
            var theirs = i < replayed.Count ? replayed[i].Decisions : [];
            for (var j = 0; j < mine.Count; j++)
            {
                var (seq, gate, verdict) = mine[j];
                if (gate == "policy" && verdict.Effect == "deny" && verdict.Rules.Contains(Gates.PinRefusals.Rule))
                {
                    pins++;
                    continue;
                }

                decisions++;
                var other = j < theirs.Count && theirs[j].Gate == gate ? theirs[j].Verdict : null;
                if (other is null || !Same(verdict, other))
                {
                    return new CallReplayReport { Calls = calls, Decisions = decisions, PinRefusals = pins, Divergence = new CallDivergence(seq, recordedCalls[i].Call.Tool, gate, verdict, other) };
                }
            }
        }

        return new CallReplayReport { Calls = calls, Decisions = decisions, PinRefusals = pins };
    }

    private static bool Same(DecisionVerdict a, DecisionVerdict b) =>
        a.Effect == b.Effect && a.Code == b.Code && a.Rules.Order(StringComparer.Ordinal).SequenceEqual(b.Rules.Order(StringComparer.Ordinal), StringComparer.Ordinal);

    // Each call of a transcript: the proposal (with its pin refusal), its decisions in order, and its recorded outcome.
    private static List<RecordedCall> Calls(RecordedTranscript transcript)
    {
        var calls = new List<RecordedCall>();
        foreach (var ev in transcript.Events)
        {
            var data = ev.Data!.Value;
            switch (ev.Type)
            {
                case EventTypes.StepStarted:
                    var step = data.TryGetProperty("step", out var s) ? s.GetString() : null;
                    calls.Add(new RecordedCall(new ProposedCall(data.GetProperty("tool").GetString()!, data.GetProperty("input"), step, data.GetProperty("index").GetInt64())));
                    break;
                case EventTypes.PolicyDecision when calls.Count > 0:
                    var policy = Verdict(data, "rules");
                    calls[^1].Decisions.Add((ev.Seq, "policy", policy));
                    if (policy.Effect == "deny" && policy.Rules.Contains(Gates.PinRefusals.Rule))
                    {
                        // Fed back as recorded; a code that is no pin refusal's makes the pin gate fail, and the replay diverges.
                        var reason = data.GetProperty("reason").GetString()!;
                        calls[^1] = calls[^1] with { Call = calls[^1].Call with { Refusal = PolicyDecision.Deny(Gates.PinRefusals.Find(policy.Code) ?? ErrorCatalog.PolicyGateFailed, reason, Gates.PinRefusals.Rule) } };
                    }

                    break;
                case EventTypes.BudgetDecision when calls.Count > 0:
                    calls[^1].Decisions.Add((ev.Seq, "budget", Verdict(data, null)));
                    break;
                case EventTypes.ToolResult when calls.Count > 0:
                    calls[^1] = calls[^1] with { Outcome = ToolOutcome.Success(data.GetProperty("output")) };
                    break;
                case EventTypes.ToolError when calls.Count > 0:
                    var code = data.GetProperty("code").GetString()!;
                    calls[^1] = calls[^1] with { Outcome = ToolOutcome.Failure(ErrorCatalog.Find(code) ?? new ErrorCode(code, ErrorKind.Negative, "Recorded", "Read the recorded message."), data.GetProperty("message").GetString()!) };
                    break;
            }
        }

        return calls;
    }

    private static DecisionVerdict Verdict(JsonElement data, string? rulesMember)
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

        return new DecisionVerdict(data.GetProperty("effect").GetString()!, data.TryGetProperty("code", out var code) ? code.GetString() : null, rules);
    }

    private static Budgets ReadBudgets(JsonElement budgets) => new()
    {
        MaxSteps = budgets.TryGetProperty("max_steps", out var steps) ? steps.GetInt64() : null,
        MaxToolCalls = budgets.TryGetProperty("max_tool_calls", out var calls) ? calls.GetInt64() : null,
        MaxCost = budgets.TryGetProperty("max_cost", out var cost) ? cost.GetDecimal() : null,
        MaxDuration = budgets.TryGetProperty("max_duration_ms", out var ms) ? TimeSpan.FromMilliseconds(ms.GetInt64()) : null,
    };

    private sealed record RecordedCall(ProposedCall Call)
    {
        public List<(long Seq, string Gate, DecisionVerdict Verdict)> Decisions { get; } = [];

        public ToolOutcome? Outcome { get; init; }
    }

    // Every recorded call is fed (CallExecution.FedBy); a call that reached an effect source here would be a bug.
    private sealed class NoEffects : IEffectSource
    {
        public static NoEffects Instance { get; } = new();

        public ValueTask<ToolOutcome> ExecuteAsync(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ToolOutcome.Failure(ErrorCatalog.Internal, "Replay feeds every recorded call; none is executed."));
    }
}
