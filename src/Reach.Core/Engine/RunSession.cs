using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;
using Reach.Core.Transcripts.Events;

namespace Reach.Core.Engine;

/// <summary>
/// The one path every tool call takes (docs/EXECUTION_MODEL.md): proposed, gated by policy then budget, executed or
/// fed from a recording, and recorded; every decision is an event in the hash chain. A pack run, a runner session
/// and the MCP gateway all drive calls through it.
/// </summary>
public sealed partial class RunSession : IDisposable
{

    private readonly SessionOptions _options;
    private readonly Stream _stream;
    private readonly TranscriptWriter _writer;
    private readonly BudgetGate _budget;
    private readonly IReadOnlyList<ICallGate> _gates;
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
            _gates = CallGates.For(options.Pins, options.Policy, _budget);
            _stream = options.OpenTranscript(RunId);
            _writer = TranscriptWriter.Resume(_stream, Header, resume.Hashes, options.Random, options.WriterOptions);
            var ledger = resume.Ledger;
            _startedAt = ledger.StartedAt ?? default;
            _budget.Restore(ledger);
            _tallies.AddRange(ledger.Tallies);

            // What children hold (reserved at spawn, less what those that closed gave back) counts as spent.
            foreach (var (child, reserved) in ledger.Held)
            {
                _reservations[child] = reserved;
            }

            Spawned = ledger.Spawned;
            Calls = ledger.Calls;
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
        _gates = CallGates.For(options.Pins, options.Policy, _budget);
        _stream = options.OpenTranscript(RunId);
        _writer = new TranscriptWriter(_stream, Header, options.Random, options.WriterOptions);
        _startedAt = options.StartedAt ?? options.Clock.GetUtcNow();
        Append(new RunStartedEvent(_startedAt, options.Pack.Budgets, options.Inputs, options.Pack.Name, options.Pack.Version), null, null, "run started");
    }

    /// <summary>The run's id.</summary>
    public string RunId { get; }

    /// <summary>The transcript header.</summary>
    public TranscriptHeader Header { get; }

    /// <summary>How many events were written.</summary>
    public long Events => _writer.Count;

    /// <summary>
    /// Proposes a call: records <c>step.started</c>, runs the gate pipeline (<see cref="CallGates"/>: pin, declared
    /// tools, policy, budget; each verdict an event, the first denial stops the call), then makes the effect happen as
    /// <paramref name="how"/> says and records the result or error. A call refused before its first event (text with
    /// no UTF-8 form, an input canonical JSON cannot hold, a control character the OS would misread) throws a coded
    /// <see cref="ReachException"/> and records nothing. Cancelling <paramref name="cancellationToken"/> interrupts the
    /// call: what was decided stays recorded, and the call ends as a denial or a <c>tool.error</c> (REACH-2240).
    /// </summary>
    public async ValueTask<CallOutcome> ProposeAsync(ProposedCall call, CallExecution how, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(how);
        var (tool, input, stepId, stepIndex) = call;
        var implementation = _options.Tools.Find(tool);

        // Refused before the first event: a call records its result or error, or nothing at all.
        CheckProposal(tool, input, stepId, implementation);
        var now = _options.Clock.GetUtcNow();
        var elapsed = now - _startedAt;
        Append(new StepStartedEvent(now, stepIndex, input, stepId, tool), stepId, tool, $"step {stepIndex} calls {tool}");

        var declaration = _options.Pack.FindTool(tool);
        var context = Context(call, implementation, declaration, elapsed, dryRun: false);
        PolicyDecision? policy = null;
        foreach (var gate in _gates)
        {
            var verdict = await DecideAsync(gate, context, cancellationToken).ConfigureAwait(false);
            switch (verdict)
            {
                case GateVerdict.Policy { Decision: var decision }:
                    policy = decision;
                    RecordPolicy(decision, stepId, tool);
                    if (verdict.Denies)
                    {
                        return Denied("policy", decision.Code!, decision.Reason, decision.Rules, decision);
                    }

                    break;
                case GateVerdict.Budget { Decision: var decision }:
                    RecordBudget(decision, stepId, tool);
                    if (verdict.Denies)
                    {
                        return Denied("budget", decision.Code!, decision.Reason, decision.Limit is null ? [] : [decision.Limit], policy);
                    }

                    break;
            }
        }

        _budget.Commit(context.Cost);
        Tally(tool, context.Cost);
        var (outcome, deterministic) = await EffectAsync(call, how, implementation, declaration, cancellationToken).ConfigureAwait(false);
        var effect = deterministic ? ToolEffect.Pure : ToolEffect.Recorded;
        if (outcome.Succeeded && !CanRecord(outcome.Output, out var unrecordable))
        {
            outcome = ToolOutcome.Failure(unrecordable.Error, $"{tool} returned an output that cannot be recorded: {unrecordable.Message}");
        }

        if (outcome.Succeeded)
        {
            Append(new ToolResultEvent(effect, outcome.Output, stepId, tool), stepId, tool, $"{tool} returned");
            return new CallOutcome { Status = RunStatus.Succeeded, Output = outcome.Output, Policy = policy, Seq = _last.Seq, Hash = _last.Hash };
        }

        Append(new ToolErrorEvent(outcome.Error.Code, effect, outcome.Message, stepId, tool), stepId, tool, $"{tool} failed: {outcome.Message}");
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
        Append(new RunFinishedEvent(now, code?.Code, stoppedBy?.Gate, output, reason, stoppedBy?.Rules ?? [], status, stepId, usage), stepId, null, $"run {StatusText(status)}");
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
    public static string Timestamp(DateTimeOffset value) => EventJson.Timestamp(value);
}
