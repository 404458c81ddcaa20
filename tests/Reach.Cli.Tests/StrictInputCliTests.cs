using System.Text;

namespace Reach.Cli.Tests;

/// <summary>
/// `reach run` reads pack.json and its inputs with the one strict reader, and a call that goes wrong still ends in a
/// sealed transcript listed by `reach runs`; never exit 70.
/// </summary>
public class StrictInputCliTests
{
    [Theory]
    [InlineData("""{ "command": "" }""", "REACH-2228", 6)]
    [InlineData("""{ "command": "rm\u0000", "args": ["-rf", "notes"] }""", "REACH-2230", 2)]
    public void A_run_whose_call_goes_wrong_exits_1_with_a_sealed_transcript_listed_in_runs(string input, string code, int events)
    {
        using var reach = new ReachProcess();
        var pack = WritePack(reach, $$"""
            {
              "name": "bad-call", "version": "1.0.0",
              "tools": [{ "name": "proc.exec", "permissions": ["proc:exec"], "cost": 1 }],
              "steps": [{ "id": "go", "tool": "proc.exec", "input": {{input}} }],
              "budgets": { "max_steps": 5, "max_tool_calls": 5, "max_cost": 5, "max_duration": "1m" }
            }
            """);

        var run = reach.Run("run", pack, "--json");

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Stdout}{run.Stderr}");
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.Equal("failed", result.RootElement.GetProperty("status").GetString());
        Assert.Equal(code, result.RootElement.GetProperty("stopped").GetProperty("code").GetString());
        Assert.Equal(events, result.RootElement.GetProperty("events").GetInt32());
        var transcript = result.RootElement.GetProperty("transcript").GetString()!;
        using var verify = reach.Json("verify", transcript);
        Assert.True(verify.RootElement.GetProperty("ok").GetBoolean(), verify.RootElement.ToString());
        Assert.True(verify.RootElement.GetProperty("sealed").GetBoolean());
        using var runs = reach.Json("runs");
        var entry = Assert.Single(runs.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(result.RootElement.GetProperty("run_id").GetString(), entry.GetProperty("run_id").GetString());
        Assert.Equal(code, entry.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("lone-surrogate", "REACH-1003")]
    [InlineData("not-utf8", "REACH-2002")]
    [InlineData("key-twice", "REACH-1002")]
    public void A_pack_json_the_strict_reader_refuses_exits_2_from_run_and_fails_validate(string flaw, string code)
    {
        using var reach = new ReachProcess();
        var text = """{ "name": "flawed", "version": "1.0.0", "description": "DESCRIPTION", "tools": [{ "name": "echo" }], "steps": [{ "id": "a", "tool": "echo" }] }""";
        byte[] bytes = flaw switch
        {
            "lone-surrogate" => Encoding.UTF8.GetBytes(text.Replace("DESCRIPTION", "\\ud800", StringComparison.Ordinal)),
            "not-utf8" => [.. Encoding.UTF8.GetBytes(text[..text.IndexOf("DESCRIPTION", StringComparison.Ordinal)]), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(text[(text.IndexOf("DESCRIPTION", StringComparison.Ordinal) + 11)..])],
            _ => Encoding.UTF8.GetBytes(text.Replace("\"DESCRIPTION\"", "\"a\", \"description\": \"b\"", StringComparison.Ordinal)),
        };
        var pack = WritePack(reach, bytes);

        var run = reach.Run("run", pack, "--json");
        var validate = reach.Run("pack", "validate", pack, "--json");

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Stdout}{run.Stderr}");
        using (var error = JsonDocument.Parse(run.Stdout))
        {
            Assert.Equal(code, error.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Equal(1, validate.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(reach.Home, "runs")) && Directory.GetFiles(Path.Combine(reach.Home, "runs")).Length > 0);
    }

    [Fact]
    public void A_pack_json_with_a_byte_order_mark_validates_and_runs()
    {
        using var reach = new ReachProcess();
        var pack = WritePack(reach, [0xEF, 0xBB, 0xBF, .. """{ "name": "bom", "version": "1.0.0", "tools": [{ "name": "echo" }], "steps": [{ "id": "a", "tool": "echo", "input": { "x": 1 } }], "budgets": { "max_steps": 1, "max_tool_calls": 1, "max_cost": 0, "max_duration": "10s" } }"""u8]);

        var validate = reach.Run("pack", "validate", pack);
        var run = reach.Run("run", pack);

        Assert.True(validate.ExitCode == 0, validate.Stdout + validate.Stderr);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
    }

    [Theory]
    [InlineData("not-utf8", "REACH-2101")]
    [InlineData("key-twice", "REACH-1002")]
    [InlineData("lone-surrogate", "REACH-1003")]
    public void An_inputs_file_the_strict_reader_refuses_exits_2_and_writes_no_transcript(string flaw, string code)
    {
        using var reach = new ReachProcess();
        byte[] bytes = flaw switch
        {
            "not-utf8" => [.. "{\"name\":\""u8, 0xC3, 0x28, .. "\"}"u8],
            "key-twice" => "{\"name\":\"a\",\"name\":\"b\"}"u8.ToArray(),
            _ => "{\"name\":\"\\udc00\"}"u8.ToArray(),
        };
        var file = Path.Combine(reach.Home, "inputs.json");
        Directory.CreateDirectory(reach.Home);
        File.WriteAllBytes(file, bytes);

        var run = reach.Run("run", ReachProcess.Example("hello"), "--input", "@" + file, "--json");

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Stdout}{run.Stderr}");
        using var error = JsonDocument.Parse(run.Stdout);
        Assert.Equal(code, error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.False(Directory.Exists(Path.Combine(reach.Home, "runs")) && Directory.GetFiles(Path.Combine(reach.Home, "runs")).Length > 0);
    }

    [Fact]
    public void An_inputs_file_with_a_byte_order_mark_is_read_like_the_text_without_it()
    {
        using var reach = new ReachProcess();
        var file = Path.Combine(reach.Home, "inputs.json");
        Directory.CreateDirectory(reach.Home);
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. "{\"name\":\"Ada\"}"u8]);

        using var run = reach.Json("run", ReachProcess.Example("hello"), "--input", "@" + file);

        Assert.Equal("Hello, Ada!", run.RootElement.GetProperty("output").GetProperty("greeting").GetString());
    }

    private static string WritePack(ReachProcess reach, string manifest) => WritePack(reach, Encoding.UTF8.GetBytes(manifest));

    private static string WritePack(ReachProcess reach, byte[] manifest)
    {
        var directory = Directory.CreateDirectory(Path.Combine(reach.Home, "packs-under-test", "p")).FullName;
        File.WriteAllBytes(Path.Combine(directory, "pack.json"), manifest);
        return directory;
    }
}
