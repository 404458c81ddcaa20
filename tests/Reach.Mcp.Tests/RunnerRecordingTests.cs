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
