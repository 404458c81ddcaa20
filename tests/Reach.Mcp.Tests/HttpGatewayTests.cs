using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Reach.Mcp.Tests;

/// <summary>The same gateway over Streamable HTTP: <c>reach mcp serve</c>, driven by the TypeScript client's HTTP transport.</summary>
public sealed partial class HttpGatewayTests
{
    [Fact]
    public void Over_http_a_read_is_permitted_a_write_denied_and_the_sessions_transcript_verifies()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, harness.Data);
        var written = Path.Combine(harness.Data, "written.txt");
        using var serve = Process.Start(harness.StartInfo("dotnet", [McpHarness.ReachDll, "mcp", "serve", "fs", "--listen", "127.0.0.1:0", "--policy", harness.ExamplePolicy()]))!;
        try
        {
            var line = serve.StandardOutput.ReadLine() ?? throw new InvalidOperationException("reach mcp serve printed nothing: " + serve.StandardError.ReadToEnd());
            var url = UrlPattern().Match(line).Value;
            Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);

            var run = harness.ClientOverHttp(url,
                McpHarness.List(),
                McpHarness.Call("read_text_file", new JsonObject { ["path"] = Path.Combine(harness.Data, "notes.txt") }),
                McpHarness.Call("write_file", new JsonObject { ["path"] = written, ["content"] = "no" }));

            Assert.Equal("secure-filesystem-server", run.Output["server"]!["name"]!.GetValue<string>());
            Assert.Contains("read_text_file", run.Tools(0));
            Assert.Equal("hello from the notes\n", run.Text(1));
            Assert.True(run.IsError(2));
            Assert.StartsWith("REACH-3002", run.Text(2), StringComparison.Ordinal);
            Assert.False(File.Exists(written));

            // The client ended its session (HTTP DELETE): the gateway sealed that session's transcript and indexed it.
            var index = WaitForIndex(harness);
            harness.AssertVerifies(index["transcript"]!.GetValue<string>());
            var inputs = McpHarness.Events(index["transcript"]!.GetValue<string>())[0]["data"]!["inputs"]!;
            Assert.Equal("http", inputs["transport"]!.GetValue<string>());
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            serve.WaitForExit(10_000);
        }
    }

    [Fact]
    public void Serve_refuses_a_non_loopback_address()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, harness.Data);
        var result = harness.Reach("mcp", "serve", "fs", "--listen", "0.0.0.0:8788");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-6040", result.Stderr, StringComparison.Ordinal);
    }

    private static JsonNode WaitForIndex(McpHarness harness)
    {
        var runs = Path.Combine(harness.Home, "runs");
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var found = Directory.Exists(runs) ? Directory.GetFiles(runs, "*.run.json") : [];
            if (found.Length == 1)
            {
                return JsonNode.Parse(File.ReadAllText(found[0]))!;
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException("The gateway wrote no index entry for the finished HTTP session.");
    }

    [GeneratedRegex("http://[^ ]+")]
    private static partial Regex UrlPattern();
}
