using System.Diagnostics;
using System.Text;

namespace Reach.Mcp.Tests;

/// <summary><c>reach mcp proxy --runner URL</c>: the session is recorded by a real runner (<c>reach serve</c>) over its HTTP API.</summary>
public sealed class RunnerRecordingTests
{
    [Fact]
    public void With_runner_the_calls_are_decided_and_recorded_in_a_runner_session_whose_transcript_verifies()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, harness.Data);
        var policy = Path.Combine(harness.Root, "names.policy.json");
        File.WriteAllText(policy, new JsonObject
        {
            ["id"] = "mcp-fs-by-name",
            ["version"] = "1.0.0",
            ["rules"] = new JsonArray(
                new JsonObject { ["id"] = "read-data", ["effect"] = "permit", ["match"] = new JsonObject { ["tools"] = new JsonArray("fs/read_text_file") }, ["when"] = new JsonObject { ["field"] = "args.path", ["op"] = "glob", ["value"] = harness.Data + "/**" } },
                new JsonObject { ["id"] = "no-writes", ["effect"] = "forbid", ["match"] = new JsonObject { ["tools"] = new JsonArray("fs/write_file") }, ["message"] = "No writes." }),
        }.ToJsonString());
        var written = Path.Combine(harness.Data, "written.txt");
        using var runner = Process.Start(harness.StartInfo("dotnet", [McpHarness.ReachDll, "serve", "--urls", "http://127.0.0.1:0", "--json"]))!;
        try
        {
            var url = JsonNode.Parse(ReadDocument(runner))!["listening"]!.GetValue<string>();
            var run = harness.Client("dotnet", McpHarness.ProxyArgs("fs", "--runner", url, "--policy", policy),
                McpHarness.Call("read_text_file", new JsonObject { ["path"] = Path.Combine(harness.Data, "notes.txt") }),
                McpHarness.Call("write_file", new JsonObject { ["path"] = written, ["content"] = "no" }));

            Assert.Equal("hello from the notes\n", run.Text(0));
            Assert.True(run.IsError(1));
            Assert.StartsWith("REACH-3002", run.Text(1), StringComparison.Ordinal);
            Assert.False(File.Exists(written));
            var transcript = harness.Transcript();
            harness.AssertVerifies(transcript);
            var events = McpHarness.Events(transcript);
            Assert.Contains(events, e => e["type"]!.GetValue<string>() == "tool.result" && e["data"]!["tool"]!.GetValue<string>() == "fs/read_text_file");
            Assert.Contains(events, e => e["type"]!.GetValue<string>() == "policy.decision" && e["data"]!["effect"]!.GetValue<string>() == "deny");
            Assert.Equal("run.finished", events[^1]["type"]!.GetValue<string>());
        }
        finally
        {
            runner.Kill(entireProcessTree: true);
            runner.WaitForExit(10_000);
        }
    }

    [Fact]
    public void With_runner_a_policy_that_matches_by_permissions_is_refused()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, harness.Data);

        var result = harness.Run("dotnet", McpHarness.ProxyArgs("fs", "--runner", "http://127.0.0.1:9", "--policy", harness.ExamplePolicy()), string.Empty);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-6044", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pin_refusal_is_recorded_the_same_locally_and_through_a_runner_and_gateway_replay_reads_both()
    {
        // The same session twice: a call of a tool that was never pinned, refused by the pin check (REACH-6010).
        using var local = new McpHarness();
        local.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, local.Data);
        var localRun = local.Client("dotnet", McpHarness.ProxyArgs("fs"), McpHarness.Call("not_pinned"));
        using var remote = new McpHarness();
        remote.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, remote.Data);
        using var runner = Process.Start(remote.StartInfo("dotnet", [McpHarness.ReachDll, "serve", "--urls", "http://127.0.0.1:0", "--json"]))!;
        ClientRun remoteRun;
        try
        {
            var url = JsonNode.Parse(ReadDocument(runner))!["listening"]!.GetValue<string>();
            remoteRun = remote.Client("dotnet", McpHarness.ProxyArgs("fs", "--runner", url), McpHarness.Call("not_pinned"));
        }
        finally
        {
            runner.Kill(entireProcessTree: true);
            runner.WaitForExit(10_000);
        }

        Assert.StartsWith("REACH-6010", localRun.Text(0), StringComparison.Ordinal);
        Assert.Equal(localRun.Text(0), remoteRun.Text(0));
        var localTranscript = local.Transcript();
        var remoteTranscript = remote.Transcript();
        remote.AssertVerifies(remoteTranscript);
        var localEvents = McpHarness.Events(localTranscript);
        var remoteEvents = McpHarness.Events(remoteTranscript);
        Assert.Equal(["run.started", "step.started", "policy.decision", "run.finished"], localEvents.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(localEvents.Select(e => e["type"]!.GetValue<string>()), remoteEvents.Select(e => e["type"]!.GetValue<string>()));
        var localDecision = localEvents[2]["data"]!;
        var remoteDecision = remoteEvents[2]["data"]!;
        Assert.Equal("deny", remoteDecision["effect"]!.GetValue<string>());
        Assert.Equal("REACH-6010", remoteDecision["code"]!.GetValue<string>());
        foreach (var field in new[] { "code", "effect", "rules", "reason", "tool" })
        {
            Assert.True(JsonNode.DeepEquals(localDecision[field], remoteDecision[field]), $"policy.decision.{field}: local {localDecision[field]?.ToJsonString()}, runner {remoteDecision[field]?.ToJsonString()}");
        }

        Assert.Null(remoteDecision["mode"]);
        Assert.Equal(0, remoteEvents[^1]["data"]!["usage"]!["cost"]!.GetValue<decimal>());
        Assert.Equal(0, remoteEvents[^1]["data"]!["usage"]!["tool_calls"]!.GetValue<long>());

        // Gateway replay reads both as what they are: one pin refusal, kept as recorded, and no gate decision to re-decide.
        foreach (var (harness, transcript) in new[] { (local, localTranscript), (remote, remoteTranscript) })
        {
            var pins = new Reach.Mcp.Connectors.ConnectorStore(harness.Home).GetPins("fs");
            var report = await Reach.Mcp.Gateway.GatewayReplay.ReevaluateAsync(File.ReadAllBytes(transcript), pins, Reach.Core.Gates.DeclaredToolsPolicyGate.Instance, TestContext.Current.CancellationToken);
            Assert.True(report.Ok, $"{transcript}: diverged at {report.Divergence?.Seq}");
            Assert.Equal(1, report.Calls);
            Assert.Equal(1, report.PinRefusals);
            Assert.Equal(0, report.Decisions);
        }
    }

    // reach serve --json prints one indented JSON document, then keeps running.
    private static string ReadDocument(Process process)
    {
        var text = new StringBuilder();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            text.AppendLine(line);
            if (line == "}")
            {
                return text.ToString();
            }
        }

        throw new InvalidOperationException("reach serve printed no document: " + process.StandardError.ReadToEnd());
    }
}
