using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Packs;

namespace Reach.Runner;

/// <summary>One agent session: a Core <see cref="RunSession"/> driven call by call over HTTP, one call at a time.</summary>
internal sealed class RunnerSession
{
    private readonly Lock _gate = new();
    private readonly RunSession _core;
    private readonly SuppliedEffects _effects;
    private long _calls;

    public RunnerSession(string tenant, RunSession core, SuppliedEffects effects, LoadedPack pack, string transcriptPath)
    {
        Tenant = tenant;
        _core = core;
        _effects = effects;
        Pack = pack;
        TranscriptPath = transcriptPath;
    }

    public string Tenant { get; }

    public string Id => _core.RunId;

    public LoadedPack Pack { get; }

    public string TranscriptPath { get; }

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

    /// <summary>Records <c>run.finished</c> and seals the transcript.</summary>
    public RunResult Close()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            Closed = _core.Finish(RunStatus.Succeeded);
            _core.Dispose();
            return Closed;
        }
    }

    /// <summary>The transcript's bytes as written: whole lines only, sealed once the session is closed.</summary>
    public byte[] ReadTranscript()
    {
        lock (_gate)
        {
            using var stream = new FileStream(TranscriptPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
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
