using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Reach.Core.Engine;
using Reach.Core.Gates;

namespace Reach.Mcp.Gateway;

/// <summary>
/// The MCP gateway: a message pump between an MCP client and the real server, both reached through the SDK's
/// transports. Every message passes through unchanged except <c>tools/list</c> results (only pinned, unchanged tools
/// are shown) and <c>tools/call</c> requests, which take Core's one path: pin check, policy gate, budget gate, then
/// forwarded to the server or answered with a denial, each decision and result an event of the session's transcript.
/// </summary>
public sealed partial class McpGateway : IAsyncDisposable
{
    private const string OwnIdPrefix = "reach-gateway-";

    private readonly GatewayOptions _options;
    private readonly ConcurrentDictionary<RequestId, PendingCall> _calls = new();
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<OwnAnswer>> _own = new();
    private readonly ConcurrentDictionary<RequestId, byte> _passthrough = new();
    private readonly ConcurrentDictionary<RequestId, byte> _lists = new();
    private readonly ConcurrentDictionary<RequestId, byte> _expired = new();
    // The calls, in arrival order, for the one consumer (WorkAsync): the session's hash chain is a sequence.
    private readonly Channel<JsonRpcRequest> _queue = Channel.CreateUnbounded<JsonRpcRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private ITransport? _client;
    private ITransport? _upstream;
    private long _ownIds;
    private volatile bool _toolsStale = true;

    // How many messages the server has sent, and that count when its tools were last listed: a server can change a
    // tool without list_changed, so a call is checked against a fresh listing whenever the server spoke since.
    private long _heard;
    private long _checkedAt = -1;

    // The first page of a listing sent as soon as a call's answer came (used by the calls' consumer only).
    private (RequestId Id, TaskCompletionSource<OwnAnswer> Answer)? _prefetch;
    private Dictionary<string, string> _current = new(StringComparer.Ordinal);
    private readonly Lock _deathLock = new();
    private volatile ReachException? _dead;

    // Set once by CreateAsync, before the gateway is handed out.
    private IGatewaySession _session = null!;

    private McpGateway(GatewayOptions options)
    {
        _options = options;
    }

    /// <summary>Starts the session: the transcript's header and <c>run.started</c> are written (or the runner's session is opened) now.</summary>
    public static async Task<McpGateway> CreateAsync(GatewayOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var gateway = new McpGateway(options);
        gateway._session = options.Runner is { } runner
            ? await RunnerGatewaySession.OpenAsync(options, runner, gateway.PinRefusalOfAsync, cancellationToken).ConfigureAwait(false)
            : new GatewaySession(options, gateway.PinRefusalOfAsync);
        return gateway;
    }

    /// <summary>The session's run id (the transcript's name).</summary>
    public string RunId => _session.RunId;

    /// <summary>The result, once the session is finished.</summary>
    public RunResult? Result => _session.Result;

    /// <summary>
    /// Serves <paramref name="client"/> until it disconnects or <paramref name="cancellationToken"/> fires: connects the
    /// server, pumps messages both ways, then seals the transcript. A server that cannot be started, or that exits,
    /// ends the recording with a coded <c>run.finished</c>; the client is answered with coded errors until it leaves.
    /// </summary>
    public async Task<RunResult> RunAsync(ITransport client, Func<CancellationToken, Task<ITransport>> connectUpstream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(connectUpstream);
        _client = client;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            _upstream = await connectUpstream(linked.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever stops the server from starting is recorded and answered, never thrown at the client.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await DieAsync(new ReachException(ErrorCatalog.McpServerStartFailed, $"The server of '{_options.Pack.Connector}' could not be started: {Describe(ex)}")).ConfigureAwait(false);
        }

        var worker = Task.Run(WorkAsync, CancellationToken.None);
        var upstreamLoop = _upstream is null ? Task.CompletedTask : Task.Run(() => UpstreamLoopAsync(_upstream, linked.Token), CancellationToken.None);
        try
        {
            await ClientLoopAsync(client, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped from outside (a signal): finish the recording below.
        }

        _queue.Writer.TryComplete();
        await worker.ConfigureAwait(false);
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await upstreamLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop ends when the server's transport is disposed.
        }

        return await _session.FinishAsync(null).ConfigureAwait(false);
    }

    // A client that closes its end right after a request (a script piping a file) still gets the answers in flight.
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var deadline = _options.Clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(5, _options.CallTimeout.TotalSeconds));
        while (_dead is null && !cancellationToken.IsCancellationRequested && (!_passthrough.IsEmpty || !_lists.IsEmpty) && _options.Clock.GetUtcNow() < deadline)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _session?.Dispose();
        _stopping.Dispose();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ClientLoopAsync(ITransport client, CancellationToken cancellationToken)
    {
        var reader = client.MessageReader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                await FromClientAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task FromClientAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        if (_dead is { } dead)
        {
            if (message is JsonRpcRequest deadRequest)
            {
                await ToClientAsync(Error(deadRequest.Id, dead), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        switch (message)
        {
            case JsonRpcRequest { Method: RequestMethods.ToolsCall } call:
                _calls[call.Id] = new PendingCall(call);
                await _queue.Writer.WriteAsync(call, cancellationToken).ConfigureAwait(false);
                return;
            case JsonRpcRequest { Method: RequestMethods.ToolsList } list:
                _lists[list.Id] = 0;
                break;
            case JsonRpcRequest request:
                _passthrough[request.Id] = 0;
                break;
            case JsonRpcNotification { Method: NotificationMethods.CancelledNotification } cancelled:
                Cancel(cancelled);
                break;
            default:
                break;
        }

        await ToUpstreamAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private async Task UpstreamLoopAsync(ITransport upstream, CancellationToken cancellationToken)
    {
        try
        {
            var reader = upstream.MessageReader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    if (!await FromUpstreamAsync(message, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // A broken connection to the server is the server exiting, whatever the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await ServerGoneAsync($"The connection to the server broke: {Describe(ex)}").ConfigureAwait(false);
            return;
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            await ServerGoneAsync("The server exited or closed its connection.").ConfigureAwait(false);
        }
    }

    private async Task<bool> FromUpstreamAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        var heard = Interlocked.Increment(ref _heard);
        switch (message)
        {
            case JsonRpcNotification { Method: NotificationMethods.ToolListChangedNotification }:
                _toolsStale = true;
                break;
            case JsonRpcMessageWithId { Id: var id } answer when answer is JsonRpcResponse or JsonRpcError:
                if (_calls.TryGetValue(id, out var pending) && pending.Forwarded)
                {
                    pending.Answer.TrySetResult(message);
                    return true;
                }

                if (_own.TryRemove(id, out var own))
                {
                    own.TrySetResult(new OwnAnswer(message, heard));
                    return true;
                }

                if (_lists.TryRemove(id, out _))
                {
                    message = FilterList(message);
                    break;
                }

                if (_expired.TryRemove(id, out _))
                {
                    // The late answer of a call that timed out or was cancelled: already recorded and answered.
                    return true;
                }

                if (_passthrough.TryRemove(id, out _))
                {
                    break;
                }

                await ViolationAsync(id).ConfigureAwait(false);
                return false;
            default:
                break;
        }

        await ToClientAsync(message, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private void Cancel(JsonRpcNotification notification)
    {
        if (notification.Params is JsonObject parameters && parameters["requestId"] is JsonValue value && ReadId(value) is { } id
            && _calls.TryGetValue(id, out var pending))
        {
            pending.Cancelled = true;
            pending.Answer.TrySetResult(null!);
        }
    }

    private static RequestId? ReadId(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => new RequestId(value.GetValue<string>()),
        JsonValueKind.Number when value.TryGetValue<long>(out var number) => new RequestId(number),
        _ => null,
    };

    private async Task ServerGoneAsync(string reason)
    {
        var error = new ReachException(ErrorCatalog.McpServerExited, reason);
        await DieAsync(error).ConfigureAwait(false);
        foreach (var id in _passthrough.Keys.Concat(_lists.Keys))
        {
            await ToClientAsync(Error(id, error), CancellationToken.None).ConfigureAwait(false);
        }

        _passthrough.Clear();
        _lists.Clear();
    }

    private async Task ViolationAsync(RequestId id)
    {
        var error = new ReachException(ErrorCatalog.McpUnsolicitedResponse, $"The server answered the request {id}, which was never made; the gateway stopped the session.");
        await DieAsync(error).ConfigureAwait(false);
        await ToClientAsync(new JsonRpcNotification
        {
            Method = "notifications/message",
            Params = new JsonObject { ["level"] = "error", ["logger"] = "reach", ["data"] = $"{error.Code}: {error.Message}" },
        }, CancellationToken.None).ConfigureAwait(false);
        await ServerGoneAsync(error.Message).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the server unusable, once: every waiting call is woken (each records its own tool.error), then the
    /// transcript ends with a coded run.finished; from now on every request is answered with this error.
    /// </summary>
    private async Task DieAsync(ReachException error)
    {
        lock (_deathLock)
        {
            if (_dead is not null)
            {
                return;
            }

            _dead = error;
        }

        foreach (var own in _own.Values)
        {
            own.TrySetResult(default);
        }

        foreach (var pending in _calls.Values)
        {
            pending.Answer.TrySetResult(null!);
        }

        await _session.FailAsync(error).ConfigureAwait(false);
    }

    private async ValueTask ToClientAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _client!.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client left; its end of the session is noticed by the client loop.
        }
    }

    private async ValueTask ToUpstreamAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _upstream!.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            await ServerGoneAsync($"The server cannot be written to: {ex.Message}").ConfigureAwait(false);
            if (message is JsonRpcRequest request && _dead is { } dead)
            {
                await ToClientAsync(Error(request.Id, dead), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static JsonRpcError Error(RequestId id, ReachException error, int code = (int)McpErrorCode.InternalError) => new()
    {
        Id = id,
        Error = new JsonRpcErrorDetail
        {
            Code = code,
            Message = $"{error.Code}: {error.Message}",
            Data = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["code"] = error.Code, ["fix"] = error.Error.Fix }, Connectors.McpJsonContext.Default.DictionaryStringString),
        },
    };

    private static string Describe(Exception ex) => ex.InnerException is { } inner && ex is not ReachException ? $"{ex.Message} ({inner.Message})" : ex.Message;

    private RequestId NextOwnId() => new(OwnIdPrefix + Interlocked.Increment(ref _ownIds).ToString(CultureInfo.InvariantCulture));

    /// <summary>The server's answer to one of the gateway's own requests (null when the server died), and how many messages the server had sent when it came.</summary>
    private readonly record struct OwnAnswer(JsonRpcMessage? Message, long Heard);

    /// <summary>A client's tools/call, from its arrival until it is answered.</summary>
    private sealed class PendingCall(JsonRpcRequest request)
    {
        public JsonRpcRequest Request { get; } = request;

        /// <summary>The server's answer; null when the server died or the client cancelled.</summary>
        public TaskCompletionSource<JsonRpcMessage> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public JsonObject? Result { get; set; }

        public JsonRpcError? ServerError { get; set; }

        public volatile bool Forwarded;

        public volatile bool Cancelled;
    }
}
