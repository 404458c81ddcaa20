using System.Diagnostics;
using System.Text;

namespace Reach.Cli.Tests;

public class ServeCommandTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8787")]
    [InlineData("http://10.1.2.3:8787")]
    public void Serve_refuses_a_non_loopback_address(string urls)
    {
        using var reach = new ReachProcess();
        var result = reach.Run("serve", "--urls", urls);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-4006", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_starts_the_runner_on_loopback_and_answers()
    {
        using var reach = new ReachProcess();
        using var process = Process.Start(reach.StartInfo("serve", "--urls", "http://127.0.0.1:0", "--json"))!;
        try
        {
            // The --json document is printed once the server listens; read it whole (it is indented).
            var text = new StringBuilder();
            while (await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken) is { } line)
            {
                text.AppendLine(line);
                if (line == "}")
                {
                    break;
                }
            }

            var address = JsonDocument.Parse(text.ToString()).RootElement.GetProperty("listening").GetString()!;
            Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);

            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var health = await client.GetStringAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Contains("ok", health, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }
}
