using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Engine;

/// <summary>
/// The one path every tool call takes (docs/EXECUTION_MODEL.md): proposed, gated by policy then budget, executed or
/// fed from a recording, and recorded; every decision is an event in the hash chain. A pack run, a runner session
/// and the MCP gateway all drive calls through it.
/// </summary>
public sealed partial class RunSession : IDisposable
{
    private static readonly byte[] RunStartedType = TranscriptFormat.TypeToken(EventTypes.RunStarted);
    private static readonly byte[] StepStartedType = TranscriptFormat.TypeToken(EventTypes.StepStarted);
    private static readonly byte[] PolicyDecisionType = TranscriptFormat.TypeToken(EventTypes.PolicyDecision);
    private static readonly byte[] BudgetDecisionType = TranscriptFormat.TypeToken(EventTypes.BudgetDecision);
    private static readonly byte[] ToolResultType = TranscriptFormat.TypeToken(EventTypes.ToolResult);
    private static readonly byte[] ToolErrorType = TranscriptFormat.TypeToken(EventTypes.ToolError);
    private static readonly byte[] RunFinishedType = TranscriptFormat.TypeToken(EventTypes.RunFinished);

    private readonly SessionOptions _options;
    private readonly Stream _stream;
    private readonly TranscriptWriter _writer;
    private readonly BudgetGate _budget;
    private readonly DateTimeOffset _startedAt;
    private readonly ArrayBufferWriter<byte> _data = new(1024);
    private readonly List<ToolTally> _tallies = [];
    private AppendedEvent _last;
    private bool _finished;

    /// <summary>Starts a session: draws the run id, writes the header and the <c>run.started</c> event.</summary>
    public RunSession(SessionOptions options)
        : this(options, null)
    {
    }

    private RunSession(SessionOptions options, ResumeState? resume)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (resume is not null)
        {
            RunId = resume.Header.RunId;
            Header = resume.Header;
            _budget = new BudgetGate(options.Pack.Budgets);
            _stream = options.OpenTranscript(RunId);
            _writer = TranscriptWriter.Resume(_stream, Header, resume.Hashes, options.Random, options.WriterOptions);
            _startedAt = resume.StartedAt;
            foreach (var (tool, cost) in resume.Permitted)
            {
                _budget.Commit(cost);
                Tally(tool, cost);
            }

            // What children hold (reserved at spawn, less what those that closed gave back) counts as spent.
            foreach (var (child, reserved) in resume.Reservations)
            {
                _budget.Reserve(reserved);
                _reservations[child] = reserved;
            }

            foreach (var (child, returned) in resume.Returns)
            {
                _budget.Release(returned);
                _reservations.Remove(child);
            }

            Spawned = resume.Spawned;

            Calls = resume.Calls;
            if (resume.Hashes.Count > 0)
            {
                _last = new AppendedEvent(resume.Hashes.Count - 1, resume.Hashes[^1], default);
            }

            return;
        }

        Span<byte> id = stackalloc byte[16];
        options.Random.Fill(id);
        RunId = Convert.ToHexStringLower(id);
        Header = new TranscriptHeader
        {
            RunId = RunId,
            PackName = options.Pack.Name,
            PackVersion = options.Pack.Version,
            PackDigest = options.PackDigest,
            InputsDigest = Sha256Digest.Compute(CanonicalJson.Canonicalize(options.Inputs)),
            PolicyDigest = options.Policy.Digest,
        };
        _budget = new BudgetGate(options.Pack.Budgets);
        _stream = options.OpenTranscript(RunId);
        _writer = new TranscriptWriter(_stream, Header, options.Random, options.WriterOptions);
        _startedAt = options.StartedAt ?? options.Clock.GetUtcNow();
        Append(RunStartedType, EventTypes.RunStarted, null, null, "run started", w =>
        {
            w.WriteString("at", Timestamp(_startedAt));
            w.WriteStartObject("budgets");
            WriteBudgets(w, options.Pack.Budgets);
            w.WriteEndObject();
            w.WritePropertyName("inputs");
            options.Inputs.WriteTo(w);
            w.WriteStartObject("pack");
            w.WriteString("name", options.Pack.Name);
            w.WriteString("version", options.Pack.Version);
            w.WriteEndObject();
        });
    }

    /// <summary>The run's id.</summary>
    public string RunId { get; }

    /// <summary>The transcript header.</summary>
    public TranscriptHeader Header { get; }

    /// <summary>How many events were written.</summary>
    public long Events => _writer.Count;

    /// <summary>
    /// Proposes a call: records <c>step.started</c>, asks the policy gate then the budget gate (each decision an event),
    /// then executes the tool (or feeds its recorded result) and records the result or error.
    /// </summary>
    public CallOutcome Propose(string tool, JsonElement input, string? stepId, long stepIndex)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var implementation = _options.Tools.Find(tool);

        // Refused before the first event: a call records its result or error, or nothing at all.
        CheckProposal(tool, input, stepId, implementation);
        var now = _options.Clock.GetUtcNow();
        var elapsed = now - _startedAt;
        Append(StepStartedType, EventTypes.StepStarted, stepId, tool, $"step {stepIndex} calls {tool}", w =>
        {
            w.WriteString("at", Timestamp(now));
            w.WriteNumber("index", stepIndex);
            w.WritePropertyName("input");
            input.WriteTo(w);
            WriteOptional(w, "step", stepId);
            w.WriteString("tool", tool);
        });

        var declaration = _options.Pack.FindTool(tool);
        var policy = DecidePolicy(Request(tool, input, stepId, stepIndex, elapsed, implementation, declaration));
        Append(PolicyDecisionType, EventTypes.PolicyDecision, stepId, tool, $"policy {Effect(policy.Effect)}: {policy.Reason}", w =>
        {
            WriteOptional(w, "code", policy.Code?.Code);
            w.WriteString("effect", Effect(policy.Effect));
            WriteOptional(w, "mode", policy.Mode);
            w.WriteString("reason", policy.Reason);
            w.WriteStartArray("rules");
            foreach (var rule in policy.Rules)
            {
                w.WriteStringValue(rule);
            }

            w.WriteEndArray();
            WriteOptional(w, "step", stepId);
            w.WriteString("tool", tool);
            if (policy.WouldDeny)
            {
                w.WriteBoolean("would_deny", true);
            }
        });
        if (policy.Effect == GateEffect.Deny)
        {
            return Denied("policy", policy.Code ?? ErrorCatalog.PolicyGateFailed, policy.Reason, policy.Rules, policy);
        }

        var cost = declaration?.Cost ?? 0m;
        var budget = DecideBudget(cost, elapsed);
        Append(BudgetDecisionType, EventTypes.BudgetDecision, stepId, tool, $"budget {Effect(budget.Effect)}: {budget.Reason}", w =>
        {
            WriteOptional(w, "code", budget.Code?.Code);
            w.WriteNumber("cost", budget.Cost);
            w.WriteString("effect", Effect(budget.Effect));
            WriteOptional(w, "limit", budget.Limit);
            w.WriteString("reason", budget.Reason);
            WriteOptional(w, "step", stepId);
            w.WriteString("tool", tool);
            w.WriteStartObject("usage");
            WriteUsage(w, budget.Before);
            w.WriteEndObject();
        });
        if (budget.Effect == GateEffect.Deny)
        {
            return Denied("budget", budget.Code ?? ErrorCatalog.BudgetGateFailed, budget.Reason, budget.Limit is null ? [] : [budget.Limit], policy);
        }

        _budget.Commit(cost);
        Tally(tool, cost);
        var deterministic = implementation?.Deterministic ?? true;
        var outcome = implementation is null
            ? ToolOutcome.Failure(ErrorCatalog.UnknownTool, $"'{tool}' is not a tool Reach knows.")
            : Effect(implementation, input, stepId, declaration, deterministic);
        var effect = deterministic ? "pure" : "recorded";
        if (outcome.Succeeded && !CanRecord(outcome.Output, out var unrecordable))
        {
            outcome = ToolOutcome.Failure(unrecordable.Error, $"{tool} returned an output that cannot be recorded: {unrecordable.Message}");
        }

        if (outcome.Succeeded)
        {
            Append(ToolResultType, EventTypes.ToolResult, stepId, tool, $"{tool} returned", w =>
            {
                w.WriteString("effect", effect);
                w.WritePropertyName("output");
                outcome.Output.WriteTo(w);
                WriteOptional(w, "step", stepId);
                w.WriteString("tool", tool);
            });
            return new CallOutcome { Status = RunStatus.Succeeded, Output = outcome.Output, Policy = policy, Seq = _last.Seq, Hash = _last.Hash };
        }

        Append(ToolErrorType, EventTypes.ToolError, stepId, tool, $"{tool} failed: {outcome.Message}", w =>
        {
            w.WriteString("code", outcome.Error!.Code);
            w.WriteString("effect", effect);
            w.WriteString("message", outcome.Message);
            WriteOptional(w, "step", stepId);
            w.WriteString("tool", tool);
        });
        return new CallOutcome { Status = RunStatus.Failed, Code = outcome.Error, Reason = outcome.Message, Policy = policy, Seq = _last.Seq, Hash = _last.Hash };
    }

    /// <summary>Records <c>run.finished</c>, seals the transcript and returns the result.</summary>
    public RunResult Finish(RunStatus status, JsonElement? output = null, CallOutcome? stoppedBy = null, string? stepId = null, ErrorCode? code = null, string? reason = null)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        code ??= stoppedBy?.Code;
        reason ??= stoppedBy?.Reason;
        var now = _options.Clock.GetUtcNow();
        var usage = _budget.Usage(now - _startedAt);
        Append(RunFinishedType, EventTypes.RunFinished, stepId, null, $"run {StatusText(status)}", w =>
        {
            w.WriteString("at", Timestamp(now));
            WriteOptional(w, "code", code?.Code);
            WriteOptional(w, "gate", stoppedBy?.Gate);
            if (output is { } value)
            {
                w.WritePropertyName("output");
                value.WriteTo(w);
            }

            WriteOptional(w, "reason", reason);
            if (stoppedBy is { Rules.Count: > 0 })
            {
                w.WriteStartArray("rules");
                foreach (var rule in stoppedBy.Rules)
                {
                    w.WriteStringValue(rule);
                }

                w.WriteEndArray();
            }

            w.WriteString("status", StatusText(status));
            WriteOptional(w, "step", stepId);
            w.WriteStartObject("usage");
            WriteUsage(w, usage);
            w.WriteEndObject();
        });
        var fingerprint = _writer.Seal();
        _finished = true;
        _stream.Dispose();
        return new RunResult
        {
            RunId = RunId,
            Status = status,
            Fingerprint = fingerprint,
            Events = _writer.Count,
            Code = code,
            Reason = reason,
            Gate = stoppedBy?.Gate,
            Rules = stoppedBy?.Rules ?? [],
            StepId = status == RunStatus.Succeeded ? null : stepId,
            Output = output,
            Usage = usage,
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_finished)
        {
            _writer.Dispose();
            _stream.Dispose();
            _finished = true;
        }
    }

    /// <summary>The text form of a status, as events and hosts write it.</summary>
    public static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "succeeded",
        RunStatus.Denied => "denied",
        _ => "failed",
    };

    /// <summary>How the clock's readings are written: ISO 8601 in UTC with seven fractional digits, which round-trips.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
