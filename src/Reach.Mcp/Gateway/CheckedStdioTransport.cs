using System.IO.Pipelines;
using System.Threading.Channels;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Reach.Mcp.Gateway;

/// <summary>
/// The SDK's stream server transport on the client's stdin and stdout, with each incoming line checked first: a line
/// that is not a JSON-RPC message is answered with a JSON-RPC error (-32700 for text that is not JSON, -32600 for JSON
/// that is not a message) instead of being dropped in silence, and never reaches the gateway.
/// </summary>
public sealed class CheckedStdioTransport : ITransport
{
    private readonly Pipe _pipe = new();
    private readonly StreamServerTransport _inner;
    private readonly Task _reading;

    /// <summary>Starts reading <paramref name="input"/>; messages go out on <paramref name="output"/>.</summary>
    public CheckedStdioTransport(Stream input, Stream output, string name)
    {
        _inner = new StreamServerTransport(_pipe.Reader.AsStream(), output, name);
        _reading = Task.Run(() => ReadAsync(input));
    }

    /// <inheritdoc/>
    public string? SessionId => _inner.SessionId;

    /// <inheritdoc/>
    public ChannelReader<JsonRpcMessage> MessageReader => _inner.MessageReader;

    /// <inheritdoc/>
    public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) => _inner.SendMessageAsync(message, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
    }

    private async Task ReadAsync(Stream input)
    {
        try
        {
            using var reader = new StreamReader(input, new UTF8Encoding(false));
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                if (Check(line) is { } error)
                {
                    await _inner.SendMessageAsync(error).ConfigureAwait(false);
                    continue;
                }

                await _pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n")).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client's end is gone: completing the pipe below ends the session.
        }
        finally
        {
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static JsonRpcError? Check(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            return Invalid(default, (int)McpErrorCode.ParseError, $"The message is not JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            RequestId id = default;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var idElement))
            {
                id = idElement.ValueKind switch
                {
                    JsonValueKind.String => new RequestId(idElement.GetString()!),
                    JsonValueKind.Number when idElement.TryGetInt64(out var number) => new RequestId(number),
                    _ => default,
                };
            }

            try
            {
                if (JsonSerializer.Deserialize(line, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage))) is JsonRpcMessage)
                {
                    return null;
                }
            }
            catch (JsonException)
            {
                // Reported below.
            }

            return Invalid(id, (int)McpErrorCode.InvalidRequest, "The message is JSON but not a JSON-RPC 2.0 request, notification or response.");
        }
    }

    private static JsonRpcError Invalid(RequestId id, int code, string message) => new()
    {
        Id = id,
        Error = new JsonRpcErrorDetail { Code = code, Message = $"{ErrorCatalog.McpClientMessageInvalid.Code}: {message}" },
    };
}
