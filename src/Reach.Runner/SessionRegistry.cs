using System.Collections.Concurrent;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>
/// The open sessions, held in memory and keyed by tenant and id; every session and transcript line is also persisted
/// through the <see cref="IRunnerStore"/>, which serves reads (a restart forgets open sessions, not what they
/// recorded). A session of one tenant does not exist for another.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), RunnerSession> _sessions = new();

    private readonly TimeProvider _clock;

    public SessionRegistry(string home, IRunnerStore store, TimeProvider? clock = null)
    {
        Home = home;
        Store = store;
        _clock = clock ?? TimeProvider.System;
    }

    public string Home { get; }

    public IRunnerStore Store { get; }

    public string Runs => Path.Combine(Home, "runs");

    public string TranscriptPath(string id) => Path.Combine(Runs, id + ".jsonl");

    /// <summary>Loads the pack, checks the inputs, then starts the session through Core's <see cref="RunSession"/>.</summary>
    public RunnerSession Open(string tenant, string packPath, JsonElement? inputs)
    {
        var pack = PackLoader.Load(packPath, ToolRegistry.BuiltIn.Names);
        var resolved = RunInputs.Resolve(pack.Manifest, inputs);
        Directory.CreateDirectory(Runs);
        string? runId = null;
        StoredTranscriptStream? transcript = null;
        var effects = new SuppliedEffects(new LiveEffects(() => new Workspace(Path.Combine(Home, "workspaces", runId!))));
        var template = new SessionOptionsTemplate
        {
            OpenTranscript = id =>
            {
                runId = id;
                var row = new NewSession(id, pack.Manifest.Name, pack.Manifest.Version, pack.Directory, pack.Digest.ToString(), _clock.GetUtcNow(), ReadOnlyMemory<byte>.Empty);
                transcript = new StoredTranscriptStream(Store, tenant, row, OpenTranscript(TranscriptPath(id)));
                return transcript;
            },
            Effects = effects,
        };
        var core = new RunSession(template.For(pack, resolved));
        var session = new RunnerSession(tenant, core, effects, pack, transcript!, Store, _clock);
        _sessions[(tenant, core.RunId)] = session;
        return session;
    }

    /// <summary>The tenant's open session with that id; REACH-4002 (404) when the tenant has none.</summary>
    public async Task<RunnerSession> GetAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue((tenant, id), out var session))
        {
            return session;
        }

        // Closed sessions (and open ones left by a runner that has since stopped) live on only in the store.
        var stored = await Store.GetSessionAsync(tenant, id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(tenant, id);
        throw new ReachException(
            ErrorCatalog.RunnerSessionClosed,
            stored.Status == StoredSession.Open
                ? $"The session '{id}' was opened by a runner that has since stopped; it takes no more calls (resuming is not built yet)."
                : $"The session '{id}' is closed; its transcript is sealed.");
    }

    /// <summary>Closes the tenant's open session and forgets it here: from now on the store answers for it.</summary>
    public async Task<RunResult> CloseAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var session = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var result = session.Close();
        _sessions.TryRemove((tenant, id), out _);
        return result;
    }

    /// <summary>The tenant's stored session with that id (open or closed); REACH-4002 (404) when the tenant has none.</summary>
    public async Task<StoredSession> FindStoredAsync(string tenant, string id, CancellationToken cancellationToken) =>
        await Store.GetSessionAsync(tenant, id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(tenant, id);

    private static ReachException NotFound(string tenant, string id) =>
        new(ErrorCatalog.RunnerSessionNotFound, $"No session '{id}' for tenant '{tenant}'.");

    private static FileStream OpenTranscript(string path)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.IoFailed, $"The transcript '{path}' cannot be created: {ex.Message}");
        }
    }
}
