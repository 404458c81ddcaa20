using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Mcp.Connectors;

namespace Reach.Mcp.Gateway;

public sealed partial class McpGateway
{
    private const int MaxListPages = 100;

    // The calls run one at a time, in order, on this one consumer of the queue: the session's hash chain is a
    // sequence. Waiting for the server's answer is an await, so the loops keep both connections moving meanwhile.
    private async Task WorkAsync()
    {
        await foreach (var request in _queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await HandleAsync(request).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A bug in one call must not stop the gateway: the client gets an error, the loop goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                await ReplyAsync(Error(request.Id, new ReachException(ErrorCatalog.Internal, $"The gateway failed on this call: {ex.GetType().Name}: {ex.Message}"))).ConfigureAwait(false);
            }
            finally
            {
                _calls.TryRemove(request.Id, out _);
            }
        }
    }

    private async Task HandleAsync(JsonRpcRequest request)
    {
        var pending = _calls[request.Id];
        if (pending.Cancelled)
        {
            return;
        }

        if (_dead is { } dead)
        {
            await ReplyAsync(Error(request.Id, dead)).ConfigureAwait(false);
            return;
        }

        if (request.Params is not JsonObject parameters || parameters["name"] is not JsonValue nameValue || nameValue.GetValueKind() != JsonValueKind.String
            || (parameters["arguments"] is { } given && given is not JsonObject))
        {
            await ReplyAsync(Error(request.Id, new ReachException(ErrorCatalog.McpCallInvalid, "tools/call needs params with a string 'name' and, when given, an object 'arguments'."), (int)McpErrorCode.InvalidParams)).ConfigureAwait(false);
            return;
        }

        var name = nameValue.GetValue<string>();
        var arguments = parameters["arguments"] as JsonObject;
        var input = Record(arguments is null ? "{}"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(arguments, McpJsonContext.Default.JsonNode));
        CallOutcome? outcome;
        try
        {
            outcome = await _session.ProposeAsync(_options.Pack.QualifiedName(name), input, _ => ForwardAsync(pending), CancellationToken.None).ConfigureAwait(false);
        }
        catch (ReachException ex)
        {
            await ReplyAsync(Error(request.Id, ex, (int)McpErrorCode.InvalidParams)).ConfigureAwait(false);
            return;
        }

        if (outcome is null)
        {
            await ReplyAsync(Error(request.Id, _dead ?? new ReachException(ErrorCatalog.McpServerExited, "The session is over."))).ConfigureAwait(false);
            return;
        }

        switch (outcome.Status)
        {
            case RunStatus.Succeeded:
                await ReplyAsync(new JsonRpcResponse { Id = request.Id, Result = pending.Result }).ConfigureAwait(false);
                break;
            case RunStatus.Denied:
                await ReplyAsync(new JsonRpcResponse { Id = request.Id, Result = Denial(outcome) }).ConfigureAwait(false);
                break;
            default:
                if (pending.ServerError is { } serverError)
                {
                    await ReplyAsync(serverError).ConfigureAwait(false);
                }
                else if (!pending.Cancelled)
                {
                    await ReplyAsync(Error(request.Id, new ReachException(outcome.Code!, outcome.Reason!))).ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>Sends the call to the server and waits for its answer; runs inside Core's path, after both gates permitted it.</summary>
    private async ValueTask<ToolOutcome> ForwardAsync(PendingCall pending)
    {
        var id = pending.Request.Id;
        pending.Forwarded = true;
        await ToUpstreamAsync(pending.Request, CancellationToken.None).ConfigureAwait(false);
        if (await AnswerWithinAsync(pending.Answer.Task).ConfigureAwait(false) is not { } answered)
        {
            _expired[id] = 0;
            await CancelUpstreamAsync(id, "timed out in the Reach gateway").ConfigureAwait(false);
            return ToolOutcome.Failure(ErrorCatalog.McpServerTimeout, $"The server did not answer within {_options.CallTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }

        var answer = answered.Value;
        if (answer is JsonRpcResponse or JsonRpcError)
        {
            // The answer is a message from the server, so the next call needs a fresh listing: ask for it now, and it
            // comes back while this result is recorded and relayed and the client thinks.
            _prefetch = await StartListingAsync(null).ConfigureAwait(false);
        }

        switch (answer)
        {
            case JsonRpcResponse response:
                var bytes = JsonSerializer.SerializeToUtf8Bytes(response.Result, McpJsonContext.Default.JsonNode);
                if (bytes.Length > _options.MaxResultBytes)
                {
                    return ToolOutcome.Failure(ErrorCatalog.McpResultTooLarge, $"The server's result is {bytes.Length} bytes; the limit is {_options.MaxResultBytes} (--max-result-bytes).");
                }

                if (response.Result is not JsonObject result || result["content"] is not JsonArray)
                {
                    return ToolOutcome.Failure(ErrorCatalog.McpServerGarbage, "The server's answer to tools/call is not a tool result (an object with a 'content' array).");
                }

                pending.Result = result;
                return ToolOutcome.Success(Record(bytes));
            case JsonRpcError error:
                pending.ServerError = error;
                return ToolOutcome.Failure(ErrorCatalog.McpServerError, $"The server answered with JSON-RPC error {error.Error.Code.ToString(CultureInfo.InvariantCulture)}: {Scrub(error.Error.Message)}");
            default:
                if (pending.Cancelled)
                {
                    _expired[id] = 0;
                    return ToolOutcome.Failure(ErrorCatalog.McpCallCancelled, "The client cancelled the call before the server answered.");
                }

                var dead = _dead ?? new ReachException(ErrorCatalog.McpServerExited, "The server went away.");
                return ToolOutcome.Failure(dead.Error, dead.Message);
        }
    }

    // The answer, or null when it did not come within the call timeout (measured on the injected clock).
    private async Task<StrongBox<T>?> AnswerWithinAsync<T>(Task<T> answer)
    {
        try
        {
            return new StrongBox<T>(await answer.WaitAsync(_options.CallTimeout, _options.Clock, CancellationToken.None).ConfigureAwait(false));
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private ValueTask CancelUpstreamAsync(RequestId id, string reason) =>
        ToUpstreamAsync(new JsonRpcNotification
        {
            Method = NotificationMethods.CancelledNotification,
            Params = new JsonObject { ["requestId"] = id.Id is string text ? JsonValue.Create(text) : JsonValue.Create((long)id.Id!), ["reason"] = reason },
        }, CancellationToken.None);

    /// <summary>The pin check: null when the tool is pinned and the server still offers the pinned definition.</summary>
    // The pin gate's check (PinGate), by the gateway's qualified name of the tool.
    private ValueTask<PolicyDecision?> PinRefusalOfAsync(string qualified, CancellationToken cancellationToken) =>
        PinRefusalAsync(qualified.StartsWith(_options.Pack.Connector + "/", StringComparison.Ordinal) ? qualified[(_options.Pack.Connector.Length + 1)..] : qualified);

    private async ValueTask<PolicyDecision?> PinRefusalAsync(string name)
    {
        var qualified = _options.Pack.QualifiedName(name);
        var pinned = _options.Pack.Pins.Find(name);
        if (pinned is null)
        {
            return PolicyDecision.Deny(ErrorCatalog.McpToolUnpinned, $"The tool '{qualified}' is not pinned; only pinned tools are called through the gateway.", PinGate.Rule);
        }

        if (_toolsStale || Interlocked.Read(ref _heard) != _checkedAt)
        {
            try
            {
                // A listing sent ahead may be older than a message that came after it: then it is not enough.
                if (await RefreshAsync().ConfigureAwait(false) && Interlocked.Read(ref _heard) != Interlocked.Read(ref _checkedAt))
                {
                    await RefreshAsync().ConfigureAwait(false);
                }
            }
            catch (ReachException ex)
            {
                return PolicyDecision.Deny(ex.Error, $"The server's current definition of '{qualified}' could not be read: {ex.Message}", PinGate.Rule);
            }
        }

        if (!_current.TryGetValue(name, out var current))
        {
            return PolicyDecision.Deny(ErrorCatalog.McpToolGone, $"The server no longer offers '{qualified}' (pinned {pinned.Digest}).", PinGate.Rule);
        }

        return current == pinned.Digest
            ? null
            : PolicyDecision.Deny(ErrorCatalog.McpToolChanged, $"The definition of '{qualified}' changed since it was pinned: pinned {pinned.Digest}, the server now offers {current}. The call was not forwarded.", PinGate.Rule);
    }

    /// <summary>
    /// Reads the server's tool definitions with the gateway's own tools/list requests (every page). They count as
    /// checked until the server sends another message: its answer to a call, a notification, anything. Returns true
    /// when the first page was the one sent ahead after the last call's answer.
    /// </summary>
    private async Task<bool> RefreshAsync()
    {
        var ahead = _prefetch is not null;
        _toolsStale = false;
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        string? cursor = null;
        var pages = 0;
        long heard;
        do
        {
            var (id, answer) = pages == 0 && _prefetch is { } prefetched ? prefetched : await StartListingAsync(cursor).ConfigureAwait(false);
            _prefetch = null;
            if (await AnswerWithinAsync(answer.Task).ConfigureAwait(false) is not { Value: var own })
            {
                _own.TryRemove(id, out _);
                _expired[id] = 0;
                _toolsStale = true;
                throw new ReachException(ErrorCatalog.McpServerTimeout, "The server did not answer tools/list in time.");
            }

            heard = own.Heard;
            var result = own.Message switch
            {
                JsonRpcResponse { Result: JsonObject obj } => obj,
                JsonRpcError error => throw Stale(new ReachException(ErrorCatalog.McpServerError, $"The server answered tools/list with error {error.Error.Code.ToString(CultureInfo.InvariantCulture)}: {error.Error.Message}")),
                null => throw Stale(_dead ?? new ReachException(ErrorCatalog.McpServerExited, "The server went away.")),
                _ => throw Stale(new ReachException(ErrorCatalog.McpServerGarbage, "The server's answer to tools/list is not a list of tools.")),
            };
            if (result["tools"] is JsonArray tools)
            {
                foreach (var tool in tools)
                {
                    if (Digest(tool) is { } entry)
                    {
                        digests[entry.Name] = entry.Digest;
                    }
                }
            }

            cursor = result["nextCursor"] is JsonValue next && next.GetValueKind() == JsonValueKind.String ? next.GetValue<string>() : null;
        }
        while (cursor is not null && ++pages < MaxListPages);

        _current = digests;
        Interlocked.Exchange(ref _checkedAt, heard);
        return ahead;
    }

    /// <summary>Sends one of the gateway's own tools/list requests (a page, after <paramref name="cursor"/>).</summary>
    private async Task<(RequestId Id, TaskCompletionSource<OwnAnswer> Answer)> StartListingAsync(string? cursor)
    {
        var id = NextOwnId();
        var answer = new TaskCompletionSource<OwnAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _own[id] = answer;
        await ToUpstreamAsync(new JsonRpcRequest { Id = id, Method = RequestMethods.ToolsList, Params = cursor is null ? null : new JsonObject { ["cursor"] = cursor } }, CancellationToken.None).ConfigureAwait(false);
        return (id, answer);
    }

    private ReachException Stale(ReachException error)
    {
        _toolsStale = true;
        return error;
    }

    /// <summary>A client's tools/list result with only the pinned, unchanged tools.</summary>
    private JsonRpcMessage FilterList(JsonRpcMessage message)
    {
        if (message is not JsonRpcResponse { Result: JsonObject result } response || result["tools"] is not JsonArray tools)
        {
            return message;
        }

        var kept = new JsonArray();
        foreach (var tool in tools)
        {
            if (Digest(tool) is { } entry && _options.Pack.Pins.Find(entry.Name) is { } pinned && pinned.Digest == entry.Digest)
            {
                kept.Add(tool!.DeepClone());
            }
        }

        var filtered = new JsonObject();
        foreach (var (key, value) in result)
        {
            filtered[key] = key == "tools" ? kept : value?.DeepClone();
        }

        return new JsonRpcResponse { Id = response.Id, Result = filtered, Context = response.Context };
    }

    private static (string Name, string Digest)? Digest(JsonNode? tool)
    {
        if (ToolDefinition.Project(tool) is not { } projection)
        {
            return null;
        }

        try
        {
            return (ToolDefinition.Name(projection), ToolDefinition.Digest(projection));
        }
        catch (ReachException)
        {
            // A definition canonical JSON cannot hold can never match a pin.
            return null;
        }
    }

    private static JsonObject Denial(CallOutcome outcome) => new()
    {
        ["content"] = new JsonArray(new JsonObject
        {
            ["type"] = "text",
            ["text"] = $"{outcome.Code?.Code}: Reach's {outcome.Gate} gate refused this call, and it was not sent to the server. {outcome.Reason}",
        }),
        ["isError"] = true,
    };

    private ValueTask ReplyAsync(JsonRpcMessage message) => ToClientAsync(message, CancellationToken.None);

    /// <summary>The JSON that is recorded: <paramref name="utf8"/> with every secret value replaced.</summary>
    private JsonElement Record(byte[] utf8)
    {
        if (_options.Secrets.Count > 0)
        {
            var text = Encoding.UTF8.GetString(utf8);
            if (ContainsSecret(text))
            {
                var node = JsonNode.Parse(text);
                utf8 = JsonSerializer.SerializeToUtf8Bytes(ScrubNode(node), McpJsonContext.Default.JsonNode);
            }
        }

        using var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 256 });
        return document.RootElement.Clone();
    }

    private bool ContainsSecret(string text)
    {
        foreach (var secret in _options.Secrets)
        {
            if (secret.Length > 0 && text.Contains(JsonEncodedText.Encode(secret).ToString(), StringComparison.Ordinal))
            {
                return true;
            }
        }

        // Escaped forms differ from writer to writer: when in doubt, the tree walk below decides.
        return text.Contains('\\', StringComparison.Ordinal);
    }

    private JsonNode? ScrubNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[Scrub(key)] = ScrubNode(value);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(ScrubNode(item));
                }

                return items;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(Scrub(value.GetValue<string>()));
            default:
                return node?.DeepClone();
        }
    }

    private string Scrub(string text)
    {
        foreach (var secret in _options.Secrets)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, "[secret withheld by reach]", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
