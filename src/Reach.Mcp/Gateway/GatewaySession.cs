using Reach.Core.Engine;
using Reach.Core.Gates;

namespace Reach.Mcp.Gateway;

/// <summary>Where a gateway session's decisions and results are recorded: a local transcript, or a runner session.</summary>
internal interface IGatewaySession : IDisposable
{
    string RunId { get; }

    RunResult? Result { get; }

    /// <summary>Proposes one call; null when the session is already over.</summary>
    CallOutcome? Propose(string tool, JsonElement input, PolicyDecision? pinRefusal, Func<ToolOutcome> forward);

    /// <summary>Ends the recording with a coded failure.</summary>
    void Fail(ReachException error);

    /// <summary>Ends the recording; returns the result, or the failure recorded earlier.</summary>
    RunResult Finish(ReachException? error);
}

/// <summary>
/// The gateway's Core session: a <see cref="RunSession"/> over the connector's pins, driven one call at a time. Calls
/// that both gates permit are forwarded by the function the caller hands in; the session records what came back.
/// </summary>
internal sealed class GatewaySession : IGatewaySession
{
    private readonly Lock _lock = new();
    private readonly RunSession _core;
    private readonly PinCheckGate _gate;
    private readonly ForwardingEffects _effects = new();
    private long _calls;

    public GatewaySession(GatewayOptions options)
    {
        _gate = new PinCheckGate(options.Policy);
        _core = new RunSession(new SessionOptions
        {
            Pack = options.Pack.Pack.Manifest,
            PackDigest = options.Pack.Pack.Digest,
            Inputs = options.Pack.Inputs(options.ClientTransport),
            OpenTranscript = options.OpenTranscript,
            Effects = _effects,
            Policy = _gate,
            Tools = options.Pack.Tools,
            Clock = options.Clock,
            Random = options.Random,
            WriterOptions = options.WriterOptions,
        });
    }

    public string RunId => _core.RunId;

    public RunResult? Result { get; private set; }

    /// <summary>Proposes one call; null when the session is already over.</summary>
    public CallOutcome? Propose(string tool, JsonElement input, PolicyDecision? pinRefusal, Func<ToolOutcome> forward)
    {
        lock (_lock)
        {
            if (Result is not null)
            {
                return null;
            }

            _gate.Refusal = pinRefusal;
            _effects.Forward = forward;
            try
            {
                var outcome = _core.Propose(tool, input, null, _calls);
                _calls++;
                return outcome;
            }
            finally
            {
                _gate.Refusal = null;
                _effects.Forward = null;
            }
        }
    }

    /// <summary>Ends the recording with a coded failure (the server could not start, exited or broke the protocol).</summary>
    public void Fail(ReachException error)
    {
        lock (_lock)
        {
            if (Result is null)
            {
                Result = _core.Finish(RunStatus.Failed, code: error.Error, reason: error.Message);
                _core.Dispose();
            }
        }
    }

    /// <summary>Ends the recording (the client left); returns the result, or the failure recorded earlier.</summary>
    public RunResult Finish(ReachException? error)
    {
        lock (_lock)
        {
            if (Result is null)
            {
                Result = error is null ? _core.Finish(RunStatus.Succeeded) : _core.Finish(RunStatus.Failed, code: error.Error, reason: error.Message);
                _core.Dispose();
            }

            return Result;
        }
    }

    public void Dispose() => _core.Dispose();

    private sealed class ForwardingEffects : IEffectSource
    {
        public Func<ToolOutcome>? Forward { get; set; }

        public ToolOutcome Execute(Core.Tools.ITool tool, string? stepId, JsonElement input, Core.Packs.ToolDeclaration? declaration) =>
            Forward is { } forward ? forward() : ToolOutcome.Failure(ErrorCatalog.Internal, "No call is being forwarded.");
    }
}
