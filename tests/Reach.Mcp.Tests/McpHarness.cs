using System.Diagnostics;
using System.Text;

namespace Reach.Mcp.Tests;

/// <summary>
/// One hermetic gateway scenario: its own REACH_HOME and data directory, the real reach binary built beside the tests,
/// and the official TypeScript MCP client and servers from tests/mcp-node (npm ci installs them; missing, tests fail).
/// </summary>
internal sealed class McpHarness : IDisposable
{
    public McpHarness()
    {
        Root = Directory.CreateTempSubdirectory("reach-mcp-").FullName;
        Home = Path.Combine(Root, "home");
        Data = Path.Combine(Root, "data");
        State = Path.Combine(Root, "state");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Data);
        Directory.CreateDirectory(State);
        File.WriteAllText(Path.Combine(Data, "notes.txt"), "hello from the notes\n");
    }

    public string Root { get; }

    public string Home { get; }

    public string Data { get; }

    public string State { get; }

    /// <summary>Extra environment for every process the harness starts.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public static string NodeDir => Path.Combine(Repository.Root, "tests", "mcp-node");

    public static string ReachDll => Path.Combine(AppContext.BaseDirectory, "reach.dll");

    /// <summary>A file of an npm package in tests/mcp-node, failing clearly when npm ci has not run.</summary>
    public static string NodeModule(string relative)
    {
        var path = Path.Combine(NodeDir, "node_modules", relative);
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: run 'npm ci --prefix tests/mcp-node' (run-tests and .ci/run do). These tests need Node.js and the official MCP packages.");
        }

        return path;
    }

    public static string FilesystemServer => NodeModule("@modelcontextprotocol/server-filesystem/dist/index.js");

    public static string EverythingServer => NodeModule("@modelcontextprotocol/server-everything/dist/index.js");

    public static string TestServer
    {
        get
        {
            NodeModule("@modelcontextprotocol/sdk/package.json");
            return Path.Combine(NodeDir, "test-server.mjs");
        }
    }

    /// <summary>The example policy with its directory pointed at this scenario's data directory.</summary>
    public string ExamplePolicy()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "examples", "mcp", "fs-read-only.policy.json")).Replace("/srv/notes", Data, StringComparison.Ordinal);
        var path = Path.Combine(Root, "policy.json");
        File.WriteAllText(path, text);
        return path;
    }

    public ProcessResult Reach(params string[] args) => Run("dotnet", [ReachDll, .. args], null);

    public ProcessResult Run(string command, IReadOnlyList<string> args, string? stdin, int timeoutMs = 120_000)
    {
        using var process = Process.Start(StartInfo(command, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', args)} did not finish in {timeoutMs / 1000} s.\nstderr:\n{stderr.Result}");
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Speaks raw JSON-RPC lines to a process over stdio, keeping its stdin open until <paramref name="expected"/>
    /// lines came back (an MCP server stops writing once its input is closed), then closes it.
    /// </summary>
    public (List<JsonNode> Lines, ProcessResult Result) Converse(IReadOnlyList<string> args, string stdin, int expected)
    {
        using var process = Process.Start(StartInfo("dotnet", args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Flush();
        var lines = new List<JsonNode>();
        var output = new StringBuilder();
        while (lines.Count < expected)
        {
            var read = process.StandardOutput.ReadLineAsync();
            if (!read.Wait(60_000) || read.Result is null)
            {
                break;
            }

            output.AppendLine(read.Result);
            lines.Add(JsonNode.Parse(read.Result)!);
        }

        process.StandardInput.Close();
        output.Append(process.StandardOutput.ReadToEnd());
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
        }

        return (lines, new ProcessResult(process.ExitCode, output.ToString(), stderr.Result));
    }

    public ProcessStartInfo StartInfoWith(string command, IReadOnlyList<string> args, params (string Name, string Value)[] variables)
    {
        var start = StartInfo(command, args);
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    public ProcessStartInfo StartInfo(string command, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["REACH_HOME"] = Home;
        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Adds and pins a connector; fails the test when either command fails.</summary>
    public void AddAndPin(string name, params string[] command)
    {
        Succeeds(Reach(["connector", "add", name, .. command]));
        Succeeds(Reach("connector", "pin", name));
    }

    /// <summary>The reach arguments that start the stdio gateway for <paramref name="connector"/>.</summary>
    public static string[] ProxyArgs(string connector, params string[] options) => [ReachDll, "mcp", "proxy", connector, .. options];

    /// <summary>Runs the TypeScript client against a server the client starts over stdio, through <paramref name="steps"/>.</summary>
    public ClientRun Client(string command, string[] args, params JsonObject[] steps)
    {
        var env = new JsonObject { ["REACH_HOME"] = Home, ["NO_COLOR"] = "1" };
        foreach (var (key, value) in Environment)
        {
            env[key] = value;
        }

        return ClientPlan(new JsonObject { ["command"] = command, ["args"] = new JsonArray([.. args.Select(a => (JsonNode)a!)]), ["env"] = env }, steps);
    }

    /// <summary>Runs the TypeScript client against a Streamable HTTP endpoint.</summary>
    public ClientRun ClientOverHttp(string url, params JsonObject[] steps) => ClientPlan(new JsonObject { ["url"] = url }, steps);

    private ClientRun ClientPlan(JsonObject connect, JsonObject[] steps)
    {
        var plan = new JsonObject { ["connect"] = connect, ["steps"] = new JsonArray([.. steps]), ["timeoutMs"] = 30_000 };
        var planPath = Path.Combine(Root, $"plan-{Guid.NewGuid():N}.json");
        File.WriteAllText(planPath, plan.ToJsonString());
        var result = Run("node", [Path.Combine(NodeDir, "gateway-client.mjs"), planPath], null);
        if (result.ExitCode != 0)
        {
            Assert.Fail($"The MCP client failed (exit {result.ExitCode}).\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}");
        }

        return new ClientRun(JsonNode.Parse(result.Stdout)!.AsObject(), result.Stderr);
    }

    public static JsonObject List() => new() { ["op"] = "list" };

    public static JsonObject Call(string name, JsonObject? arguments = null) => new() { ["op"] = "call", ["name"] = name, ["arguments"] = arguments ?? [] };

    /// <summary>The one transcript REACH_HOME holds.</summary>
    public string Transcript() => Assert.Single(Directory.GetFiles(Path.Combine(Home, "runs"), "*.jsonl"));

    /// <summary>Asserts that reach verify and the independent Python verifier both accept the transcript.</summary>
    public void AssertVerifies(string transcript)
    {
        var reach = Reach("verify", transcript, "--json");
        Assert.True(reach.ExitCode == 0, $"reach verify failed:\n{reach.Stdout}\n{reach.Stderr}");
        var python = Run("python3", [Path.Combine(Repository.Root, "tools", "verify_transcript.py"), transcript], null);
        Assert.True(python.ExitCode == 0, $"tools/verify_transcript.py failed:\n{python.Stdout}\n{python.Stderr}");
        Assert.StartsWith("OK ", python.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The transcript's events (header and seal lines left out).</summary>
    public static List<JsonObject> Events(string transcript)
    {
        var events = new List<JsonObject>();
        foreach (var line in File.ReadLines(transcript))
        {
            var node = JsonNode.Parse(line)!.AsObject();
            if (node["type"] is not null && node["data"] is not null)
            {
                events.Add(node);
            }
        }

        return events;
    }

    public static void Succeeds(ProcessResult result) =>
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>What the TypeScript client saw: the server's identity and one result per step.</summary>
internal sealed record ClientRun(JsonObject Output, string Stderr)
{
    public JsonNode Result(int step) => Output["results"]![step]!;

    /// <summary>The text of a tool result's first content block.</summary>
    public string Text(int step) => Result(step)["content"]![0]!["text"]!.GetValue<string>();

    public bool IsError(int step) => Result(step)["isError"]?.GetValue<bool>() ?? false;

    /// <summary>The JSON-RPC error of a step that failed, or null.</summary>
    public JsonNode? Error(int step) => Result(step)["error"];

    public IReadOnlyList<string> Tools(int step) => [.. Result(step)["tools"]!.AsArray().Select(t => t!.GetValue<string>())];
}
