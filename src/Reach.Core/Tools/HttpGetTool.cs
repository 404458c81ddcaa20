using Reach.Core.Errors;

namespace Reach.Core.Tools;

/// <summary>
/// <c>http.get</c>: fetches a URL whose host and port are on the tool's <c>allow_hosts</c>; no redirects are followed (a redirect
/// could leave the allow-list), the body is capped at 1 MiB and the call times out.
/// </summary>
public sealed class HttpGetTool : ITool
{
    private const int MaxBodyBytes = 1024 * 1024;
    private static readonly HttpClient Client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <inheritdoc/>
    public string Name => "http.get";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => ["net:http"];

    /// <inheritdoc/>
    public bool Deterministic => false;

    /// <inheritdoc/>
    public async ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var url = ToolInput.RequiredString(input, Name, "url");
        var timeout = ToolInput.OptionalInteger(input, Name, "timeout_ms", 30_000, 1, 600_000);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ToolException(ErrorCatalog.ToolInputInvalid, $"http.get: '{url}' is not an http or https URL.");
        }

        if (!HostAllowList.Allows(context.Declaration?.AllowHosts ?? [], uri))
        {
            throw new ToolException(ErrorCatalog.HostNotAllowed, string.Create(CultureInfo.InvariantCulture, $"http.get: '{uri.Host}:{uri.Port}' is not on the tool's allow_hosts (a bare host allows only the scheme's default port)."));
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(timeout));
        try
        {
            using var response = await Client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancel.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(cancel.Token).ConfigureAwait(false);
            await using var bodyScope = body.ConfigureAwait(false);
            var buffer = new byte[MaxBodyBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total, buffer.Length - total), cancel.Token).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            var truncated = total > MaxBodyBytes;
            var text = Encoding.UTF8.GetString(buffer, 0, Math.Min(total, MaxBodyBytes));
            var status = (int)response.StatusCode;
            var contentType = response.Content.Headers.ContentType?.ToString() ?? string.Empty;
            return ToolInput.Output(w =>
            {
                w.WriteStartObject();
                w.WriteString("body", text);
                w.WriteBoolean("body_truncated", truncated);
                w.WriteString("content_type", contentType);
                w.WriteNumber("status", status);
                w.WriteEndObject();
            });
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            throw new ToolException(ErrorCatalog.HttpFailed, FailureMessage(url, ex), ex);
        }
    }

    /// <summary>The failure's text; a name that does not resolve or a network that is unreachable says the machine looks offline.</summary>
    internal static string FailureMessage(string url, Exception ex)
    {
        var offline = ex is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }
            || (ex.InnerException ?? ex) is System.Net.Sockets.SocketException
            {
                SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.TryAgain
                    or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.NetworkDown
                    or System.Net.Sockets.SocketError.HostUnreachable,
            };
        return offline
            ? $"http.get: {url} failed: {ex.Message}. This machine looks offline (the host name does not resolve or the network is unreachable): http.get needs a network, nothing else in Reach does. Connect, or replay a recorded run (`reach replay` feeds back recorded http.get results)."
            : $"http.get: {url} failed: {ex.Message}";
    }
}
