using Reach.Core.Engine;
using Reach.Core.Gates;

namespace Reach.Mcp.Gateway;

/// <summary>Where a gateway session's decisions and results are recorded: a local transcript, or a runner session.</summary>
internal interface IGatewaySession : IDisposable
{
    string RunId { get; }

    RunResult? Result { get; }

    /// <summary>Proposes one call (the pin check first); null when the session is already over.</summary>
    ValueTask<CallOutcome?> ProposeAsync(string tool, JsonElement input, Func<CancellationToken, ValueTask<ToolOutcome>> forward, CancellationToken cancellationToken);

    /// <summary>Ends the recording with a coded failure.</summary>
    Task FailAsync(ReachException error);

    /// <summary>Ends the recording; returns the result, or the failure recorded earlier.</summary>
    Task<RunResult> FinishAsync(ReachException? error);
}

/// <summary>
/// The gateway's Core session: a <see cref="RunSession"/> over the connector's pins, driven one call at a time. Calls
/// that both gates permit are forwarded by the function the caller hands in; the session records what came back.
/// </summary>
internal sealed class GatewaySession : IGatewaySession
{
    // One call, failure or finish at a time: a call in flight holds it across its awaits.
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly RunSession _core;
    private long _calls;

    /// <param name="options">The gateway's options.</param>
    /// <param name="pinCheck">The pin check: the refusal of a call of a (qualified) tool, or null when it is pinned and unchanged.</param>
    public GatewaySession(GatewayOptions options, Func<string, CancellationToken, ValueTask<PolicyDecision?>> pinCheck)
    {
        _core = new RunSession(new SessionOptions
        {
            Pack = options.Pack.Pack.Manifest,
            PackDigest = options.Pack.Pack.Digest,
            Inputs = options.Pack.Inputs(options.ClientTransport),
            OpenTranscript = options.OpenTranscript,
            // Every call is forwarded (CallExecution.ForwardedBy): nothing executes here.
            Effects = NoEffects.Instance,
            Pins = new PinGate(pinCheck),
            Policy = options.Policy,
            Clock = options.Clock,
            Random = options.Random,
            WriterOptions = options.WriterOptions,
        });
    }

    public string RunId => _core.RunId;

    public RunResult? Result { get; private set; }

    /// <summary>Proposes one call; null when the session is already over.</summary>
    public async ValueTask<CallOutcome?> ProposeAsync(string tool, JsonElement input, Func<CancellationToken, ValueTask<ToolOutcome>> forward, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Result is not null)
            {
                return null;
            }

            var outcome = await _core.ProposeAsync(new ProposedCall(tool, input, null, _calls), CallExecution.ForwardedBy(forward), cancellationToken).ConfigureAwait(false);
            _calls++;
            return outcome;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Ends the recording with a coded failure (the server could not start, exited or broke the protocol).</summary>
    public async Task FailAsync(ReachException error)
    {
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Result is null)
            {
                Result = _core.Finish(RunStatus.Failed, code: error.Error, reason: error.Message);
                _core.Dispose();
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Ends the recording (the client left); returns the result, or the failure recorded earlier.</summary>
    public async Task<RunResult> FinishAsync(ReachException? error)
    {
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Result is null)
            {
                Result = error is null ? _core.Finish(RunStatus.Succeeded) : _core.Finish(RunStatus.Failed, code: error.Error, reason: error.Message);
                _core.Dispose();
            }

            return Result;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        _core.Dispose();
        _lock.Dispose();
    }

    // The gateway executes nothing itself; a call that reached an effect source here would be a bug.
    private sealed class NoEffects : IEffectSource
    {
        public static NoEffects Instance { get; } = new();

        public ValueTask<ToolOutcome> ExecuteAsync(Core.Tools.ITool tool, string? stepId, JsonElement input, Core.Packs.ToolDeclaration? declaration, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ToolOutcome.Failure(ErrorCatalog.Internal, "The gateway forwards every call; none is executed here."));
    }
}
