using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>One agent session: a Core <see cref="RunSession"/> driven call by call over HTTP, one call at a time.</summary>
internal sealed class RunnerSession
{
    /// <summary>How many answers a session keeps for Idempotency-Key retries; the oldest is forgotten first.</summary>
    public const int IdempotencyMemory = 4096;

    private readonly Lock _gate = new();
    private readonly RunSession _core;
    private readonly SuppliedEffects _effects;
    private readonly StoredTranscriptStream _transcript;
    private readonly IRunnerStore _store;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, (Sha256Digest Body, byte[] Answer)> _answers = new(StringComparer.Ordinal);
    private readonly Queue<string> _answerOrder = new();
    private long _calls;

    public RunnerSession(string tenant, RunSession core, SuppliedEffects effects, SessionSetup setup, StoredTranscriptStream transcript, IRunnerStore store, TimeProvider clock, long calls = 0, DateTimeOffset? created = null)
    {
        _calls = calls;
        Tenant = tenant;
        _core = core;
        _effects = effects;
        Setup = setup;
        _transcript = transcript;
        _store = store;
        _clock = clock;
        Created = created ?? clock.GetUtcNow();
    }

    public string Tenant { get; }

    /// <summary>When the session was opened (as the runner's clock read it).</summary>
    public DateTimeOffset Created { get; }

    public string Id => _core.RunId;

    /// <summary>The pack, tools, policy, inputs and lineage the session was opened with.</summary>
    public SessionSetup Setup { get; }

    public LoadedPack Pack => Setup.Pack;

    /// <summary>How many child sessions this session has spawned.</summary>
    public int Children { get; private set; }

    public RunResult? Closed { get; private set; }

    /// <summary>
    /// Proposes one call; <paramref name="supplied"/>, when given, is recorded instead of executing the tool. With an
    /// idempotency key, a repeat of the same body answers <paramref name="render"/>'s first bytes and records nothing.
    /// </summary>
    public (byte[] Answer, bool Replayed) Call(string tool, JsonElement input, string? stepId, ToolOutcome? supplied, Idempotency? idempotency, Func<CallOutcome, byte[]> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        lock (_gate)
        {
            if (idempotency is { } key && _answers.TryGetValue(key.Key, out var first))
            {
                return first.Body.Equals(key.Body)
                    ? (first.Answer, true)
                    : throw new ReachException(ErrorCatalog.RunnerIdempotencyConflict, $"The Idempotency-Key '{key.Key}' was first used for another request body in session '{Id}'.");
            }

            ThrowIfClosed();
            if (supplied is null && ClientTool.IsClientTool(Setup.Tools, tool) && _core.Evaluate(tool, input, stepId, _calls).Allowed)
            {
                // Nothing is recorded: the client must run the tool and send its result. A denied call goes on and is recorded.
                throw new ReachException(ErrorCatalog.RunnerClientToolNeedsResult, $"'{tool}' is run by the client: the gates allow it, so run it and send the call again with result {{output}} or {{error}}.");
            }

            _effects.Supplied = supplied;
            CallOutcome outcome;
            try
            {
                // Numbered only once proposed: a call refused before its first event (an input canonical JSON cannot
                // hold) leaves the transcript untouched and takes no index.
                outcome = _core.Propose(tool, input, stepId, _calls);
                _calls++;
            }
            finally
            {
                // A call denied before it ran leaves the supplied result untaken; it must not leak into the next call.
                _effects.Supplied = null;
            }

            var answer = render(outcome);
            if (idempotency is { } remembered)
            {
                Remember(remembered, answer);
            }

            return (answer, false);
        }
    }

    /// <summary>What the gates would decide about a call now, recording nothing.</summary>
    public GateCheck Decide(string tool, JsonElement input, string? stepId)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            return _core.Evaluate(tool, input, stepId, _calls);
        }
    }

    /// <summary>Records a spawn (or its refusal) in this session's transcript; counts a child when it was opened.</summary>
    public AppendedEvent RecordSpawn(string? childId, int depth, IReadOnlyList<string> tools, ErrorCode? code, string reason)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            var appended = _core.RecordSpawn(childId, depth, tools, code, reason);
            if (code is null)
            {
                Children++;
            }

            return appended;
        }
    }

    /// <summary>Records <c>run.finished</c>, seals the transcript and marks the stored session closed with its seal.</summary>
    public RunResult Close()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            var result = _core.Finish(RunStatus.Succeeded);
            _core.Dispose();
            var seal = _transcript.Seal ?? throw new InvalidOperationException("The writer finished without a seal line.");
            var closing = new SessionClosing(RunSession.StatusText(result.Status), result.Fingerprint.ToString(), seal, _clock.GetUtcNow());
            if (!_store.CloseSessionAsync(Tenant, Id, closing, CancellationToken.None).GetAwaiter().GetResult())
            {
                throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The store refused to close the session '{Id}'.");
            }

            Closed = result;
            return result;
        }
    }

    private void Remember(Idempotency key, byte[] answer)
    {
        _answers[key.Key] = (key.Body, answer);
        _answerOrder.Enqueue(key.Key);
        if (_answerOrder.Count > IdempotencyMemory)
        {
            _answers.Remove(_answerOrder.Dequeue());
        }
    }

    private void ThrowIfClosed()
    {
        if (Closed is not null)
        {
            throw new ReachException(ErrorCatalog.RunnerSessionClosed, $"The session '{Id}' is closed; its transcript is sealed.");
        }
    }
}

/// <summary>An Idempotency-Key and the digest of the body it came with.</summary>
internal readonly record struct Idempotency(string Key, Sha256Digest Body);

/// <summary>What a session is opened with: its pack and tools, its policy, its resolved inputs and its lineage.</summary>
internal sealed record SessionSetup(LoadedPack Pack, ToolRegistry Tools, IPolicyGate Policy, string? PolicyPath, string? PolicyMode, JsonElement Inputs)
{
    public string? ParentId { get; init; }

    public int Depth { get; init; }
}
