using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Reach.Cli.Tests;

/// <summary>A port another process holds is an environment error with the fix, not an internal error with a stack trace.</summary>
public class ServeBusyPortTests
{
    [Fact]
    public void Serve_on_a_busy_port_is_an_environment_error_with_the_fix_and_no_stack_trace()
    {
        using var reach = new ReachProcess();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var result = reach.Run("serve", "--urls", $"http://127.0.0.1:{port}", "--quiet");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error[REACH-9010]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(port, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--urls http://127.0.0.1:0", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("REACH-9070", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_on_a_busy_port_with_json_prints_only_the_coded_error_document()
    {
        using var reach = new ReachProcess();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var result = reach.Run("serve", "--urls", $"http://127.0.0.1:{port}", "--json");

        Assert.Equal(3, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Equal("REACH-9010", document.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_port_zero_prints_the_port_it_bound()
    {
        using var reach = new ReachProcess();
        using var process = Process.Start(reach.StartInfo("serve", "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            Assert.NotNull(line);
            Assert.Matches(@"listening on http://127\.0\.0\.1:[1-9][0-9]*[ ;,(]", line);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }
}
