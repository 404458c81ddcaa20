namespace Reach.Mcp.Tests;

/// <summary>
/// A session against our test server that misbehaves on request: a result too large, a call that hangs, a line that is
/// not JSON-RPC, an answer that is not a tool result, then the server dying mid-call. Every failure is a coded error
/// to the client and an event in a transcript that still verifies.
/// </summary>
public sealed class MisbehavingServerSession : IDisposable
{
    public MisbehavingServerSession()
    {
        Harness = new McpHarness();
        Harness.AddAndPin("bad", "--", "node", McpHarness.TestServer, Harness.State);
        Run = Harness.Client("dotnet", McpHarness.ProxyArgs("bad", "--timeout", "5", "--max-result-bytes", "1048576"),
            McpHarness.Call("greet", new JsonObject { ["name"] = "Ada" }),
            Misbehave("huge"),
            Misbehave("hang"),
            Misbehave("garbage"),
            Misbehave("not-a-result"),
            McpHarness.Call("greet", new JsonObject { ["name"] = "Grace" }),
            Misbehave("die"),
            McpHarness.Call("greet", new JsonObject { ["name"] = "Linus" }));
        Transcript = Harness.Transcript();
    }

    internal McpHarness Harness { get; }

    internal ClientRun Run { get; }

    internal string Transcript { get; }

    internal static JsonObject Misbehave(string mode) => McpHarness.Call("misbehave", new JsonObject { ["mode"] = mode });

    public void Dispose() => Harness.Dispose();
}

public sealed class MisbehavingServerTests(MisbehavingServerSession session) : IClassFixture<MisbehavingServerSession>
{
    [Fact]
    public void A_result_over_the_size_limit_is_a_coded_error()
    {
        Assert.Contains("REACH-6023", Message(1), StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_that_hangs_times_out_with_a_coded_error()
    {
        Assert.Contains("REACH-6022", Message(2), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_that_prints_garbage_instead_of_answering_times_out_with_a_coded_error()
    {
        Assert.Contains("REACH-6022", Message(3), StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_that_is_not_a_tool_result_is_a_coded_error()
    {
        Assert.Contains("REACH-6024", Message(4), StringComparison.Ordinal);
    }

    [Fact]
    public void The_session_goes_on_after_a_failed_call()
    {
        Assert.Equal("Hello, Grace!", session.Run.Text(5));
    }

    [Fact]
    public void A_server_that_dies_mid_call_is_a_coded_error_for_that_call_and_every_later_one()
    {
        Assert.Contains("REACH-6021", Message(6), StringComparison.Ordinal);
        Assert.Contains("REACH-6021", Message(7), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_failure_is_an_event_and_the_transcript_verifies()
    {
        session.Harness.AssertVerifies(session.Transcript);
        var events = McpHarness.Events(session.Transcript);
        var codes = events.Where(e => e["type"]!.GetValue<string>() == "tool.error").Select(e => e["data"]!["code"]!.GetValue<string>()).ToList();
        Assert.Contains("REACH-6023", codes);
        Assert.Contains("REACH-6024", codes);
        Assert.Contains("REACH-6022", codes);
        Assert.Contains("REACH-6021", codes);
        var finished = events[^1]["data"]!;
        Assert.Equal("run.finished", events[^1]["type"]!.GetValue<string>());
        Assert.Equal("failed", finished["status"]!.GetValue<string>());
        Assert.Equal("REACH-6021", finished["code"]!.GetValue<string>());
    }

    private string Message(int step) => session.Run.Error(step)?["message"]?.GetValue<string>() ?? session.Run.Result(step).ToJsonString();
}

public sealed class ServerStartAndProtocolTests
{
    [Fact]
    public void A_server_that_answers_a_request_nobody_made_ends_the_session_with_a_coded_error()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("bad", "--", "node", McpHarness.TestServer, harness.State);
        var run = harness.Client("dotnet", McpHarness.ProxyArgs("bad", "--timeout", "10"), MisbehavingServerSession.Misbehave("unsolicited"), McpHarness.Call("greet", new JsonObject { ["name"] = "Ada" }));
        Assert.Contains("REACH-6025", run.Error(0)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("REACH-", run.Error(1)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var transcript = harness.Transcript();
        harness.AssertVerifies(transcript);
        var finished = McpHarness.Events(transcript)[^1]["data"]!;
        Assert.Equal("REACH-6025", finished["code"]!.GetValue<string>());
    }

    [Fact]
    public void A_call_the_client_cancels_is_passed_on_and_recorded_and_the_session_goes_on()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("bad", "--", "node", McpHarness.TestServer, harness.State);
        var cancel = new JsonObject { ["op"] = "cancel", ["name"] = "misbehave", ["arguments"] = new JsonObject { ["mode"] = "hang" } };
        var run = harness.Client("dotnet", McpHarness.ProxyArgs("bad", "--timeout", "30"), cancel, McpHarness.Call("greet", new JsonObject { ["name"] = "Ada" }));

        Assert.NotNull(run.Error(0));
        Assert.Equal("Hello, Ada!", run.Text(1));
        var transcript = harness.Transcript();
        harness.AssertVerifies(transcript);
        var error = McpHarness.Events(transcript).Single(e => e["type"]!.GetValue<string>() == "tool.error")["data"]!;
        Assert.Equal("REACH-6027", error["code"]!.GetValue<string>());
    }

    [Fact]
    public void A_streamable_http_server_is_a_connector_too()
    {
        using var harness = new McpHarness();
        var port = FreePort();
        using var server = System.Diagnostics.Process.Start(harness.StartInfoWith("node", [McpHarness.EverythingServer, "streamableHttp"], ("PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture))))!;
        try
        {
            // The server prints its banner on stderr once it listens.
            var stdout = server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            while (server.StandardError.ReadLine() is { } line && !line.Contains("listening", StringComparison.OrdinalIgnoreCase))
            {
            }

            var stderr = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

            harness.AddAndPin("remote", "--url", $"http://127.0.0.1:{port}/mcp");
            var run = harness.Client("dotnet", McpHarness.ProxyArgs("remote"), McpHarness.Call("echo", new JsonObject { ["message"] = "over http" }));

            Assert.Contains("over http", run.Text(0), StringComparison.Ordinal);
            harness.AssertVerifies(harness.Transcript());
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void A_server_that_will_not_start_is_a_coded_error_to_the_client_and_a_recorded_failure()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("good", "--", "node", McpHarness.TestServer, harness.State);
        McpHarness.Succeeds(harness.Reach("connector", "add", "broken", "--", Path.Combine(harness.Root, "no-such-server")));
        var pins = JsonNode.Parse(File.ReadAllText(Path.Combine(harness.Home, "connectors", "good", "pins.json")))!;
        pins["connector"] = "broken";
        File.WriteAllText(Path.Combine(harness.Home, "connectors", "broken", "pins.json"), pins.ToJsonString());

        var run = RunRawSession(harness, "broken");

        Assert.Contains("REACH-6020", run, StringComparison.Ordinal);
        var transcript = harness.Transcript();
        harness.AssertVerifies(transcript);
        var finished = McpHarness.Events(transcript)[^1]["data"]!;
        Assert.Equal("REACH-6020", finished["code"]!.GetValue<string>());
    }

    [Fact]
    public void A_malformed_client_message_gets_a_json_rpc_error_and_the_gateway_goes_on()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("good", "--", "node", McpHarness.TestServer, harness.State);
        var stdin = "this is not json\n"
            + """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""" + "\n"
            + """{"jsonrpc":"2.0","method":"notifications/initialized"}""" + "\n"
            + """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":7}}""" + "\n"
            + """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"greet","arguments":{"name":"Ada"}}}""" + "\n";
        var (lines, _) = harness.Converse(McpHarness.ProxyArgs("good"), stdin, expected: 4);

        Assert.Contains(lines, l => l["error"]?["code"]?.GetValue<int>() == -32700);
        Assert.Contains(lines, l => l["id"]?.GetValue<int>() == 2 && l["error"]?["message"]?.GetValue<string>().Contains("REACH-6013", StringComparison.Ordinal) == true);
        Assert.Contains(lines, l => l["id"]?.GetValue<int>() == 3 && l["result"]?["content"]?[0]?["text"]?.GetValue<string>() == "Hello, Ada!");
    }

    // The TypeScript client gives up on a server whose initialize fails, so the raw protocol shows what it was told.
    private static string RunRawSession(McpHarness harness, string connector)
    {
        var stdin = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""" + "\n"
            + """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{"name":"Ada"}}}""" + "\n";
        var (_, result) = harness.Converse(McpHarness.ProxyArgs(connector), stdin, expected: 2);
        Assert.Equal(0, result.ExitCode);
        return result.Stdout;
    }
}
