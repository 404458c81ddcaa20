using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Packs;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>One agent session: a Core <see cref="RunSession"/> driven call by call over HTTP, one call at a time.</summary>
internal sealed class RunnerSession
{
    private readonly Lock _gate = new();
    private readonly RunSession _core;
    private readonly SuppliedEffects _effects;
    private readonly StoredTranscriptStream _transcript;
    private readonly IRunnerStore _store;
    private readonly TimeProvider _clock;
    private long _calls;

    public RunnerSession(string tenant, RunSession core, SuppliedEffects effects, LoadedPack pack, StoredTranscriptStream transcript, IRunnerStore store, TimeProvider clock)
    {
        Tenant = tenant;
        _core = core;
        _effects = effects;
        Pack = pack;
        _transcript = transcript;
        _store = store;
        _clock = clock;
    }

    public string Tenant { get; }

    public string Id => _core.RunId;

    public LoadedPack Pack { get; }

    public RunResult? Closed { get; private set; }

    /// <summary>Proposes one call; <paramref name="supplied"/>, when given, is recorded instead of executing the tool.</summary>
    public CallOutcome Call(string tool, JsonElement input, string? stepId, ToolOutcome? supplied)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            _effects.Supplied = supplied;
            try
            {
                // Numbered only once proposed: a call refused before its first event (an input canonical JSON cannot
                // hold) leaves the transcript untouched and takes no index.
                var outcome = _core.Propose(tool, input, stepId, _calls);
                _calls++;
                return outcome;
            }
            finally
            {
                // A call denied before it ran leaves the supplied result untaken; it must not leak into the next call.
                _effects.Supplied = null;
            }
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

    private void ThrowIfClosed()
    {
        if (Closed is not null)
        {
            throw new ReachException(ErrorCatalog.RunnerSessionClosed, $"The session '{Id}' is closed; its transcript is sealed.");
        }
    }
}
