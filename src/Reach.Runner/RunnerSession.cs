using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>
/// One agent session: a Core <see cref="RunSession"/> driven call by call over HTTP, one call at a time. Core writes a
/// call's events into the transcript stream; the call is answered only after <see cref="StoredTranscriptStream.CommitAsync"/>
/// has committed them. If a commit fails the session is <see cref="Broken"/>: the registry forgets it, and the next
/// request resumes it from what the store holds.
/// </summary>
internal sealed class RunnerSession : IDisposable
{
    /// <summary>How many answers a session keeps in memory for Idempotency-Key retries (the oldest is forgotten first); the store keeps them all.</summary>
    public const int IdempotencyMemory = 4096;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RunSession _core;
    private readonly StoredTranscriptStream _transcript;
    private readonly IRunnerStore _store;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, (Sha256Digest Body, byte[] Answer)> _answers = new(StringComparer.Ordinal);
    private readonly Queue<string> _answerOrder = new();
    private long _calls;

    public RunnerSession(string tenant, RunSession core, SessionSetup setup, StoredTranscriptStream transcript, IRunnerStore store, TimeProvider clock, long calls = 0, DateTimeOffset? created = null)
    {
        _calls = calls;
        Tenant = tenant;
        _core = core;
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

    /// <summary>How many events the transcript holds.</summary>
    public long Events => _core.Events;

    /// <summary>The pack, tools, policy, inputs and lineage the session was opened with.</summary>
    public SessionSetup Setup { get; }

    public LoadedPack Pack => Setup.Pack;

    /// <summary>The children that still hold part of this session's budget (spawned and not yet closed).</summary>
    public IReadOnlyList<string> OpenChildren => [.. _core.OpenChildren];

    public RunResult? Closed { get; private set; }

    /// <summary>True once a commit failed: what Core holds may be ahead of the store, so this object takes no more calls.</summary>
    public bool Broken { get; private set; }

    /// <summary>Commits the events <c>run.started</c> wrote when the session opened.</summary>
    public Task StartAsync() => WithGateAsync(() => 0, _ => Task.FromResult(0));

    /// <summary>
    /// Proposes one call; <paramref name="supplied"/>, when given, is recorded instead of executing the tool. With an
    /// idempotency key, a repeat of the same body answers <paramref name="render"/>'s first bytes and records nothing.
    /// </summary>
    /// <remarks>With <paramref name="execute"/> false, a call the gates allow is refused (REACH-4010) and nothing is
    /// recorded: a client that runs the tool itself sends it so only to record a denial it was told of.</remarks>
    /// <remarks>A <paramref name="refusal"/> (an MCP gateway's pin refusal) travels with the call: the pin gate records it as the call's denial, and nothing is charged.</remarks>
    public async Task<(byte[] Answer, bool Replayed)> CallAsync(string tool, JsonElement input, string? stepId, ToolOutcome? supplied, Idempotency? idempotency, bool execute, PolicyDecision? refusal, Func<CallOutcome, byte[]> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (idempotency is { } key && _answers.TryGetValue(key.Key, out var first))
            {
                return first.Body.Equals(key.Body)
                    ? (first.Answer, true)
                    : throw new ReachException(ErrorCatalog.RunnerIdempotencyConflict, $"The Idempotency-Key '{key.Key}' was first used for another request body in session '{Id}'.");
            }

            ThrowIfUnusable();
            var call = new ProposedCall(tool, input, stepId, _calls) { Refusal = refusal };
            if (supplied is null && (!execute || ClientTools.IsClientTool(Setup.Tools, tool)) && (await _core.EvaluateAsync(call).ConfigureAwait(false)).Allowed)
            {
                // Nothing is recorded: the client must run the tool and send its result. A denied call goes on and is recorded.
                throw new ReachException(ErrorCatalog.RunnerClientToolNeedsResult, $"'{tool}' is run by the client: the gates allow it, so run it and send the call again with result {{output}} or {{error}}.");
            }

            // The supplied result travels with its call: a call denied before it ran records nothing of it.
            // Numbered only once proposed: a call refused before its first event (an input canonical JSON cannot
            // hold) leaves the transcript untouched and takes no index.
            var outcome = await _core.ProposeAsync(call, supplied is null ? CallExecution.Here : CallExecution.SuppliedBy(supplied)).ConfigureAwait(false);
            _calls++;

            // The answer is kept with the call's events, in the same transaction: a retry after a crash finds it too.
            var answer = render(outcome);
            await CommitAsync(idempotency is { } kept ? new StoredAnswer(kept.Key, kept.Body.ToString(), answer) : null).ConfigureAwait(false);
            if (idempotency is { } remembered)
            {
                Remember(remembered, answer);
            }

            return (answer, false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What the gates would decide about a call now, recording nothing.</summary>
    public async Task<GateCheck> DecideAsync(string tool, JsonElement input, string? stepId)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            return await _core.EvaluateAsync(new ProposedCall(tool, input, stepId, _calls)).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Spawns a child, one spawn or call at a time, so concurrent spawns can pass neither the limits nor the budget:
    /// checks <paramref name="limits"/> (null: unlimited), asks the budget gate to carve the child's budget out of what
    /// this session has left, has <paramref name="create"/> build the child with it, records the <c>session.spawn</c>
    /// (which reserves the budget) and commits it, and only then commits the child's start. A refusal is recorded and
    /// committed, then thrown (REACH-4012 for the limits, REACH-4040 for the budget) with the event's seq and hash.
    /// </summary>
    /// <remarks>If the child's start cannot be committed the reservation stays: the parent loses budget, never the reverse.</remarks>
    public async Task<RunnerSession> SpawnAsync(IReadOnlyList<string> tools, Budgets? asked, SpawnLimits? limits, Func<int, SpawnBudgetDecision, RunnerSession> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        await _gate.WaitAsync().ConfigureAwait(false);
        RunnerSession child;
        try
        {
            ThrowIfUnusable();
            var depth = Setup.Depth + 1;
            string? refusal = null;
            if (limits is { } limit && depth > limit.MaxDepth)
            {
                refusal = $"A child of '{Id}' would be {depth} spawns deep; the limit is {limit.MaxDepth} (spawn_max_depth).";
            }
            else if (limits is { } count && _core.Spawned >= count.MaxChildren)
            {
                refusal = $"'{Id}' has spawned {_core.Spawned} children; the limit is {count.MaxChildren} (spawn_max_children).";
            }

            if (refusal is not null)
            {
                throw await RefuseAsync(depth, tools, ErrorCatalog.RunnerSpawnLimit, refusal, null).ConfigureAwait(false);
            }

            var budget = _core.DecideSpawn(asked);
            if (budget.Effect == GateEffect.Deny)
            {
                throw await RefuseAsync(depth, tools, budget.Code ?? ErrorCatalog.SpawnBudgetExhausted, budget.Reason, budget).ConfigureAwait(false);
            }

            child = create(depth, budget);
            try
            {
                _core.RecordSpawn(child.Id, depth, tools, null, $"spawned '{child.Id}' with {tools.Count} tool(s) at depth {depth}", budget);
                await CommitAsync().ConfigureAwait(false);
            }
            catch
            {
                child.Dispose();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }

        try
        {
            await child.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            child.Dispose();
            throw;
        }

        return child;
    }

    /// <summary>Takes back what the closed child <paramref name="childId"/> did not use of its reservation (nothing when it holds none).</summary>
    public Task ReturnChildAsync(string childId, BudgetUsage used) =>
        WithGateAsync(() => _core.RecordChildClosed(childId, used), _ => Task.FromResult(0));

    // Records a refused spawn, commits it, and returns the exception that answers it.
    private async Task<ReachException> RefuseAsync(int depth, IReadOnlyList<string> tools, ErrorCode code, string reason, SpawnBudgetDecision? budget)
    {
        var recorded = _core.RecordSpawn(null, depth, tools, code, reason, budget);
        await CommitAsync().ConfigureAwait(false);
        return new ReachException(code, reason)
        {
            Details = new Dictionary<string, object?>(StringComparer.Ordinal) { ["seq"] = recorded.Seq, ["hash"] = recorded.Hash.ToString() },
        };
    }

    /// <summary>Records <c>run.finished</c>, seals the transcript and marks the stored session closed with its seal.</summary>
    public Task<RunResult> CloseAsync() => WithGateAsync(
        () =>
        {
            var result = _core.Finish(RunStatus.Succeeded);
            Closed = result;
            return result;
        },
        async result =>
        {
            await CommitAsync().ConfigureAwait(false);
            _core.Dispose();
            var seal = _transcript.Seal ?? throw new InvalidOperationException("The writer finished without a seal line.");
            var closing = new SessionClosing(RunSession.StatusText(result.Status), result.Fingerprint.ToString(), seal, _clock.GetUtcNow());
            if (!await _store.CloseSessionAsync(Tenant, Id, closing, CancellationToken.None).ConfigureAwait(false))
            {
                throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The store refused to close the session '{Id}'.");
            }

            return result;
        });

    public void Dispose() => _gate.Dispose();

    private async Task<TResult> WithGateAsync<T, TResult>(Func<T> inCore, Func<T, Task<TResult>> after)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            var value = inCore();
            await CommitAsync().ConfigureAwait(false);
            return await after(value).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CommitAsync(StoredAnswer? answer = null)
    {
        try
        {
            await _transcript.CommitAsync(answer).ConfigureAwait(false);
        }
        catch
        {
            Broken = true;
            throw;
        }
    }

    /// <summary>Takes up the answers the store kept for this session's Idempotency-Keys (a resumed session).</summary>
    public void Preload(IEnumerable<StoredAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        foreach (var answer in answers)
        {
            Remember(new Idempotency(answer.Key, Sha256Digest.Parse(answer.BodyDigest)), answer.Answer);
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

    private void ThrowIfUnusable()
    {
        if (Broken)
        {
            throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The session '{Id}' lost a commit; retry the request and it resumes from what the store holds.");
        }

        if (Closed is not null)
        {
            throw new ReachException(ErrorCatalog.RunnerSessionClosed, $"The session '{Id}' is closed; its transcript is sealed.");
        }
    }
}

/// <summary>The spawn limits (spawn_max_depth, spawn_max_children), when <c>enable_unlimited_spawns</c> is off.</summary>
internal sealed record SpawnLimits(int MaxDepth, int MaxChildren);

/// <summary>An Idempotency-Key and the digest of the body it came with.</summary>
internal readonly record struct Idempotency(string Key, Sha256Digest Body);

/// <summary>
/// What a session is opened with: its pack and tools, its policy (and the name it is recorded and answered by: the
/// client's policy name, or <c>inline:</c> and the bundle's digest), its resolved inputs and its lineage.
/// </summary>
internal sealed record SessionSetup(LoadedPack Pack, ToolRegistry Tools, IPolicyGate Policy, string? PolicyName, string? PolicyMode, JsonElement Inputs)
{
    public string? ParentId { get; init; }

    public int Depth { get; init; }
}
