using System.Diagnostics;
using System.Text.RegularExpressions;
using Reach.Policy.Calls;

namespace Reach.Cli.Tests;

/// <summary>The small things a newcomer notices: help defaults, columns, plurals, error lines, times, escape codes.</summary>
[Collection(InProcessRuns.Name)]
public sealed partial class CosmeticsTests
{
    [Fact]
    public void Root_help_shows_no_dash_default_for_canonicalize_which_still_reads_stdin()
    {
        using var cli = new InProcessCli();
        var help = cli.Run("--help");
        var canonical = cli.RunWithInput("{\"b\":1,\"a\":2}", "canonicalize");

        Assert.DoesNotContain("[default: -]", help.Stdout, StringComparison.Ordinal);
        Assert.Equal("{\"a\":2,\"b\":1}", canonical.Stdout);
    }

    [Fact]
    public void Config_show_separates_every_value_from_its_source()
    {
        using var cli = new InProcessCli();
        var result = cli.Run("config", "show");
        Assert.Matches(@"sqlite REACH_HOME/reach\.db\s{2,}default", result.Stdout);
        foreach (var line in result.Stdout.Split('\n').Where(l => l.Contains("default", StringComparison.Ordinal)))
        {
            Assert.DoesNotMatch(@"\Sdefault", line);
        }
    }

    [Fact]
    public void Policy_decisions_keeps_columns_apart_for_long_mcp_tool_names()
    {
        RecordedDecision[] decisions =
        [
            new(2, "call-1", "filesystem/read_text_file_with_a_long_name", "permit", null, "Permitted by rule 'read'.", ["read"], "enforce", false),
            new(6, "a-long-step-identifier", "fs.write", "deny", "REACH-3002", "Forbidden.", ["no-writes"], "enforce", false),
        ];

        var lines = Reach.Cli.Commands.PolicyDecisionsCommand.Lines(decisions).ToList();

        Assert.Contains("filesystem/read_text_file_with_a_long_name  permit", lines[0], StringComparison.Ordinal);
        Assert.Contains("a-long-step-identifier  fs.write", lines[1], StringComparison.Ordinal);
        Assert.Equal(lines[0].IndexOf("permit", StringComparison.Ordinal), lines[1].IndexOf("deny", StringComparison.Ordinal));
    }

    [Fact]
    public void Counts_of_one_take_the_singular()
    {
        Assert.Equal("1 step", Plural.Of(1, "step"));
        Assert.Equal("2 steps", Plural.Of(2, "step"));
        Assert.Equal("1 pin refusal", Plural.Of(1, "pin refusal"));
        Assert.Equal("0 pin refusals", Plural.Of(0, "pin refusal"));
    }

    [Fact]
    public void A_failed_verification_prints_the_error_line_every_error_has()
    {
        using var cli = new InProcessCli();
        using var run = JsonDocument.Parse(cli.Run("run", ReachProcess.Example("hello"), "--json").Stdout);
        var transcript = run.RootElement.GetProperty("transcript").GetString()!;
        var lines = File.ReadAllLines(transcript);
        lines[5] = lines[5].Replace("\"effect\":\"pure\"", "\"effect\":\"purE\"", StringComparison.Ordinal);
        File.WriteAllText(transcript, string.Join('\n', lines) + "\n");

        var result = cli.Run("verify", transcript);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^error\[REACH-\d{4}\]: verification failed: ", result.Stderr);
        Assert.DoesNotContain("FAILED[", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_index_and_install_lock_write_times_in_utc_without_escapes()
    {
        using var cli = new InProcessCli();
        Assert.Equal(0, cli.Run("key", "generate", "--name", "alice", "--unencrypted").ExitCode);
        var pack = Path.Combine(cli.Home, "greeter");
        Assert.Equal(0, cli.Run("pack", "init", "greeter", "--dir", pack).ExitCode);
        Assert.Equal(0, cli.Run("pack", "sign", pack).ExitCode);
        var registry = Path.Combine(cli.Home, "registry");
        Assert.Equal(0, cli.Run("registry", "add", "dir", registry).ExitCode);
        Assert.Equal(0, cli.Run("pack", "publish", pack, "--registry", "dir").ExitCode);
        var install = cli.Run("pack", "install", "greeter");
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

        var index = File.ReadAllText(Directory.GetFiles(registry, "index.json", SearchOption.AllDirectories).Single());
        var lockFile = File.ReadAllText(Directory.GetFiles(cli.Home, "lock.json", SearchOption.AllDirectories).Single());
        foreach (var text in new[] { index, lockFile })
        {
            Assert.DoesNotContain("\\u002B", text, StringComparison.Ordinal);
            Assert.Matches(@"""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z""", text);
        }
    }

    [Fact]
    public void Serve_help_says_its_address_default_comes_from_config_json_first()
    {
        using var cli = new InProcessCli();
        var help = cli.Run("serve", "--help");
        Assert.Contains("default: listen in config.json, else http://127.0.0.1:8787", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[default: http://127.0.0.1:8787]", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_generate_unencrypted_json_carries_its_warning()
    {
        using var cli = new InProcessCli();
        var result = cli.Run("key", "generate", "--name", "ci", "--unencrypted", "--json");
        using var document = JsonDocument.Parse(result.Stdout);
        var warning = Assert.Single(document.RootElement.GetProperty("warnings").EnumerateArray());
        Assert.Contains("unencrypted", warning.GetString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void A_command_on_a_terminal_writes_no_keypad_mode_escape()
    {
        // doctor also starts .NET tools (dotnet --version), which would write it to a terminal they were given.
        var output = OnATerminal("version") + OnATerminal("doctor");

        Assert.Contains("reach ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[?1h", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b=", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_redirected_to_a_file_is_appended_after_what_is_there()
    {
        using var reach = new ReachProcess();
        var file = Path.Combine(reach.Home, "out.txt");
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{{ echo first; dotnet \"$0\" version; dotnet \"$0\" version --json; echo last; }} > \"$1\" 2>&1");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reach.dll"));
        start.ArgumentList.Add(file);
        start.Environment["NO_COLOR"] = "1";
        using (var process = Process.Start(start)!)
        {
            Assert.True(process.WaitForExit(60_000), "the shell did not finish in 60 s");
        }

        var lines = File.ReadAllLines(file);
        Assert.Equal("first", lines[0]);
        Assert.StartsWith("reach ", lines[1], StringComparison.Ordinal);
        Assert.Equal("{", lines[2]);
        Assert.Equal("last", lines[^1]);
    }

    // script(1) gives reach a terminal, as a user's shell does; returns what the terminal received.
    private static string OnATerminal(string arguments)
    {
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qec", $"dotnet \"{Path.Combine(AppContext.BaseDirectory, "reach.dll")}\" {arguments}", "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TERM"] = "xterm";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"reach {arguments} did not finish in 60 s");
        return output.Result + error.Result;
    }
}
