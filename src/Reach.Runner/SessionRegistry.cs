using System.Collections.Concurrent;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Runner;

/// <summary>
/// The open and closed sessions, held in memory and keyed by tenant and id (a runner restart forgets them; their
/// transcripts stay under REACH_HOME/runs). A session of one tenant does not exist for another.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), RunnerSession> _sessions = new();

    public SessionRegistry(string home)
    {
        Home = home;
    }

    public string Home { get; }

    public string Runs => Path.Combine(Home, "runs");

    public string TranscriptPath(string id) => Path.Combine(Runs, id + ".jsonl");

    /// <summary>Loads the pack, checks the inputs, then starts the session through Core's <see cref="RunSession"/>.</summary>
    public RunnerSession Open(string tenant, string packPath, JsonElement? inputs)
    {
        var pack = PackLoader.Load(packPath, ToolRegistry.BuiltIn.Names);
        var resolved = RunInputs.Resolve(pack.Manifest, inputs);
        Directory.CreateDirectory(Runs);
        string? runId = null;
        var effects = new SuppliedEffects(new LiveEffects(() => new Workspace(Path.Combine(Home, "workspaces", runId!))));
        var template = new SessionOptionsTemplate
        {
            OpenTranscript = id =>
            {
                runId = id;
                return OpenTranscript(TranscriptPath(id));
            },
            Effects = effects,
        };
        var core = new RunSession(template.For(pack, resolved));
        var session = new RunnerSession(tenant, core, effects, pack, TranscriptPath(core.RunId));
        _sessions[(tenant, core.RunId)] = session;
        return session;
    }

    /// <summary>The tenant's session with that id; REACH-4002 (404) when the tenant has none.</summary>
    public RunnerSession Get(string tenant, string id) =>
        _sessions.TryGetValue((tenant, id), out var session)
            ? session
            : throw new ReachException(ErrorCatalog.RunnerSessionNotFound, $"No session '{id}' for tenant '{tenant}'.");

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
