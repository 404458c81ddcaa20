using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Reach.Cli.Tests;

/// <summary>
/// Walks every command of the tree (enumerated, not listed by hand) with --help, --json and --quiet and checks the
/// output rules of docs/CLI.md mechanically.
/// </summary>
[Collection(InProcessRuns.Name)]
public sealed partial class CommandTreeGuardTests : IDisposable
{
    private readonly InProcessCli _cli = new();
    private readonly TcpListener _busy = new(IPAddress.Loopback, 0);

    public CommandTreeGuardTests()
    {
        // A command that would serve until Ctrl+C meets a busy port instead, so that every walk ends.
        _busy.Start();
        File.WriteAllText(Path.Combine(_cli.Home, "config.json"), $$"""{"listen":"http://127.0.0.1:{{((IPEndPoint)_busy.LocalEndpoint).Port}}"}""");
    }

    public static TheoryData<string> Commands() => [.. CommandPaths()];

    /// <summary>Every command of the tree, as typed after <c>reach</c> (<c>pack validate</c>).</summary>
    public static List<string> CommandPaths() =>
        [.. Walk(ReachApp.Build(new CliEnvironment(TextWriter.Null, TextWriter.Null, TextReader.Null, new Dictionary<string, string>(), interactive: false)), []).Select(p => string.Join(' ', p))];

    [Fact]
    public void The_walk_finds_the_nested_commands()
    {
        var commands = CommandPaths();
        Assert.Contains("pack validate", commands);
        Assert.Contains("mcp serve", commands);
        Assert.True(commands.Count > 40, $"only {commands.Count} commands found");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_prints_the_usage_on_stdout_and_nothing_on_stderr(string command)
    {
        var result = _cli.Run([.. Split(command), "--help"]);
        Assert.True(result.ExitCode == 0, $"reach {command} --help exited {result.ExitCode}: {result.Stderr}");
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
        Assert.DoesNotContain("[default: -]", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Json_prints_exactly_one_json_document_and_a_coded_error_with_a_fix(string command)
    {
        var result = _cli.Run([.. Split(command), "--json"]);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(result.Stdout);
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"reach {command} --json printed not exactly one JSON document (exit {result.ExitCode}): {ex.Message}\n{result.Stdout}");
        }

        using (document)
        {
            var code = (string?)null;
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                code = error.GetProperty("code").GetString();
                Assert.Matches(CodePattern(), code!);
                Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("fix").GetString()), $"reach {command} --json: an error without a fix");
            }

            if (result.ExitCode != 0 && document.RootElement.ValueKind == JsonValueKind.Object)
            {
                Assert.False(document.RootElement.TryGetProperty("ok", out var ok) && ok.GetBoolean(), $"reach {command} --json exited {result.ExitCode} with ok true");
            }

            NoStackTrace(command, result, code);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Quiet_prints_nothing_but_coded_errors_with_a_fix(string command)
    {
        var result = _cli.Run([.. Split(command), "--quiet"]);
        if (!QuietOutput.Products.Contains(command))
        {
            Assert.True(result.Stdout.Length == 0, $"reach {command} --quiet printed on stdout:\n{result.Stdout}");
        }

        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string? code = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(' '))
            {
                continue;
            }

            var match = ErrorLine().Match(lines[i]);
            Assert.True(match.Success, $"reach {command} --quiet: a stderr line that is not a coded error: {lines[i]}");
            code = match.Groups[1].Value;
            Assert.True(lines.Skip(i + 1).TakeWhile(l => l.StartsWith(' ')).Any(l => l.StartsWith("  fix: ", StringComparison.Ordinal)), $"reach {command} --quiet: an error without a fix: {lines[i]}");
        }

        Assert.True(result.ExitCode == 0 || code is not null, $"reach {command} --quiet exited {result.ExitCode} without saying why");
        NoStackTrace(command, result, code);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void With_its_arguments_naming_a_missing_file_a_command_still_keeps_the_rules(string command)
    {
        // Past the parser: each required argument names a file that does not exist, so the command itself answers.
        string[] args = [.. Split(command), .. Enumerable.Repeat(Path.Combine(_cli.Home, "missing", "reach-guard"), RequiredArguments(command))];

        var json = _cli.Run([.. args, "--json"]);
        var quiet = _cli.Run([.. args, "--quiet"]);

        using (var document = Parse(command, json))
        {
            var code = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? error.GetProperty("code").GetString()
                : null;
            Assert.True(json.ExitCode == 0 || code is not null, $"reach {string.Join(' ', args)} --json exited {json.ExitCode} without an error object");
            NoStackTrace(command, json, code);
        }

        if (!QuietOutput.Products.Contains(command))
        {
            Assert.True(quiet.Stdout.Length == 0, $"reach {string.Join(' ', args)} --quiet printed on stdout:\n{quiet.Stdout}");
        }

        var match = ErrorLine().Match(quiet.Stderr);
        Assert.True(quiet.ExitCode == 0 || (match.Success && quiet.Stderr.Contains("\n  fix: ", StringComparison.Ordinal)), $"reach {string.Join(' ', args)} --quiet exited {quiet.ExitCode} without a coded error and fix:\n{quiet.Stderr}");
        NoStackTrace(command, quiet, match.Success ? match.Groups[1].Value : null);
    }

    public void Dispose()
    {
        _busy.Dispose();
        _cli.Dispose();
    }

    private static IEnumerable<string[]> Walk(Command command, string[] path)
    {
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            string[] here = [.. path, sub.Name];
            yield return here;
            foreach (var nested in Walk(sub, here))
            {
                yield return nested;
            }
        }
    }

    private static string[] Split(string command) => command.Split(' ');

    private static int RequiredArguments(string command)
    {
        Command current = ReachApp.Build(new CliEnvironment(TextWriter.Null, TextWriter.Null, TextReader.Null, new Dictionary<string, string>(), interactive: false));
        foreach (var name in Split(command))
        {
            current = current.Subcommands.Single(c => c.Name == name);
        }

        return current.Arguments.Count(a => a.Arity.MinimumNumberOfValues > 0);
    }

    private static JsonDocument Parse(string command, ReachProcess.Result result)
    {
        try
        {
            return JsonDocument.Parse(result.Stdout);
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"reach {command} --json printed not exactly one JSON document (exit {result.ExitCode}): {ex.Message}\n{result.Stdout}");
        }
    }

    private static void NoStackTrace(string command, ReachProcess.Result result, string? code)
    {
        if (code == "REACH-9070")
        {
            return;
        }

        Assert.False(StackFrame().IsMatch(result.Stdout + result.Stderr), $"reach {command}: a stack trace for {code ?? "no error"}:\n{result.Stdout}\n{result.Stderr}");
    }

    [GeneratedRegex(@"^REACH-\d{4}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^error\[(REACH-\d{4})\]: \S")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"^\s+at \S+\(.*\)", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
