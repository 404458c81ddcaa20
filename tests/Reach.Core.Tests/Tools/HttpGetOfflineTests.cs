using System.Net.Sockets;
using Reach.Core.Tools;

namespace Reach.Core.Tests.Tools;

/// <summary>An http.get that fails because the machine is offline says so, with what to do.</summary>
public sealed class HttpGetOfflineTests
{
    [Fact]
    public void A_name_that_does_not_resolve_says_the_machine_looks_offline()
    {
        var failure = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (example.invalid:80)", new SocketException((int)SocketError.HostNotFound));

        var message = HttpGetTool.FailureMessage("http://example.invalid/", failure);

        Assert.Contains("looks offline", message, StringComparison.Ordinal);
        Assert.Contains("reach replay", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_network_says_the_machine_looks_offline()
    {
        var failure = new HttpRequestException("Network is unreachable", new SocketException((int)SocketError.NetworkUnreachable));
        Assert.Contains("looks offline", HttpGetTool.FailureMessage("http://192.0.2.1/", failure), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_connection_is_not_called_offline()
    {
        var failure = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var message = HttpGetTool.FailureMessage("http://127.0.0.1:9/", failure);
        Assert.DoesNotContain("offline", message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", message, StringComparison.Ordinal);
    }
}
