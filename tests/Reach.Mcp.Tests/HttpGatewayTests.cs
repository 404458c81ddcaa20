using System.Diagnostics;
using System.Globalization;
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

    [Fact]
    public void Serve_on_a_busy_port_is_an_environment_error_with_the_fix_and_no_stack_trace()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, harness.Data);
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var result = harness.Reach("mcp", "serve", "fs", "--listen", $"127.0.0.1:{port}");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error[REACH-9010]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(port, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--listen 127.0.0.1:0", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_listens_only_where_it_was_told_despite_appsettings_json_and_Kestrel_variables()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, harness.Data);
        var ambient = FreePort();
        var fromFile = FreePort();
        var cwd = Directory.CreateTempSubdirectory("reach-mcp-cwd-").FullName;
        File.WriteAllText(Path.Combine(cwd, "appsettings.json"), "{\"Kestrel\":{\"Endpoints\":{\"Everywhere\":{\"Url\":\"http://0.0.0.0:" + fromFile.ToString(CultureInfo.InvariantCulture) + "\"}}}}");
        var start = harness.StartInfoWith("dotnet", [McpHarness.ReachDll, "mcp", "serve", "fs", "--listen", "127.0.0.1:0"],
            ("Kestrel__Endpoints__Ambient__Url", $"http://0.0.0.0:{ambient}"), ("ASPNETCORE_ENVIRONMENT", "Development"));
        start.WorkingDirectory = cwd;
        using var serve = Process.Start(start)!;
        try
        {
            var line = serve.StandardOutput.ReadLine() ?? throw new InvalidOperationException("reach mcp serve printed nothing: " + serve.StandardError.ReadToEnd());
            Assert.StartsWith("http://127.0.0.1:", UrlPattern().Match(line).Value, StringComparison.Ordinal);

            // An endpoint on 0.0.0.0 would answer on loopback too: neither ambient port may accept a connection.
            Assert.False(Accepts(ambient), $"reach mcp serve listened on the Kestrel__Endpoints__ port {ambient}");
            Assert.False(Accepts(fromFile), $"reach mcp serve listened on appsettings.json's port {fromFile}");
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            serve.WaitForExit(10_000);
            Directory.Delete(cwd, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
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
