using System.Collections.Concurrent;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>
/// Pack runs started over HTTP: each runs on the thread pool through Core's <see cref="PackRun"/> (the same path as
/// <c>reach run</c>), its transcript committed line by line through the store, which answers every read.
/// </summary>
internal sealed class RunRegistry
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly SessionRegistry _sessions;
    private readonly CommitSignal _signal;
    private readonly TimeProvider _clock;

    public RunRegistry(SessionRegistry sessions, CommitSignal signal, TimeProvider? clock = null)
    {
        _sessions = sessions;
        _signal = signal;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>How many runs are executing now.</summary>
    public int Running => _running.Count;

    /// <summary>Starts the run and returns once its header and <c>run.started</c> are committed.</summary>
    public async Task<string> StartAsync(string tenant, SessionSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var (template, transcript) = _sessions.Template(tenant, setup, StoredSession.RunKind, _signal.Pulse);
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = template with
        {
            Observer = progress =>
            {
                if (progress.Type == EventTypes.RunStarted)
                {
                    started.TrySetResult(transcript().Session.Id);
                }
            },
        };
        var task = Task.Run(async () =>
        {
            try
            {
                var result = await PackRun.ExecuteAsync(setup.Pack, setup.Inputs, observed).ConfigureAwait(false);
                var seal = transcript().Seal ?? throw new InvalidOperationException("The run finished without a seal line.");
                var closing = new SessionClosing(RunSession.StatusText(result.Status), result.Fingerprint.ToString(), seal, _clock.GetUtcNow());
                await _sessions.Store.CloseSessionAsync(tenant, result.RunId, closing, CancellationToken.None).ConfigureAwait(false);
                _signal.Pulse();
            }
#pragma warning disable CA1031 // A run that fails before its first event reports it to the request; later failures stay in the transcript.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                started.TrySetException(ex);
            }
        });
        var id = await started.Task.ConfigureAwait(false);
        _running[id] = task;
        _ = task.ContinueWith(_ => _running.TryRemove(id, out Task? _), TaskScheduler.Default);
        return id;
    }

    /// <summary>Waits for the runs still executing (at shutdown), at most <paramref name="timeout"/>.</summary>
    public bool WaitAll(TimeSpan timeout) => Task.WaitAll([.. _running.Values], timeout);

    /// <summary>The tenant's stored run; REACH-4009 (404) when the tenant has none with that id.</summary>
    public async Task<StoredSession> FindAsync(string tenant, string id, CancellationToken cancellationToken) =>
        await _sessions.Store.GetSessionAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { Kind: StoredSession.RunKind } run
            ? run
            : throw new ReachException(ErrorCatalog.RunnerRunNotFound, $"No run '{id}' for tenant '{tenant}'.");
}
