using System.Net.Sockets;
using System.Text;

namespace Reach.Runner.Tests;

/// <summary>
/// HTTP/1.1 requests written byte for byte over a socket, so a test controls the exact request target (HttpClient and
/// <see cref="Uri"/> would normalise case, dots, double slashes and escapes before the runner sees them).
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends <c>METHOD target HTTP/1.1</c> with the given headers (and a JSON body for methods that carry one); returns the status and body.</summary>
    public static async Task<(int Status, string Body)> SendAsync(Uri server, string method, string target, IReadOnlyDictionary<string, string>? headers = null, string? body = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var request = new StringBuilder();
        request.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(server.Authority).Append("\r\n");
        request.Append("Connection: close\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var content = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null)
        {
            request.Append("Content-Type: application/json\r\n");
            request.Append("Content-Length: ").Append(content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), TestContext.Current.CancellationToken);
        await stream.WriteAsync(content, TestContext.Current.CancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        var statusLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
        var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split < 0 ? string.Empty : text[(split + 4)..]);
    }
}
