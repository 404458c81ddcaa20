using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Reach.Cli.Tests;

/// <summary>--verbose times every command; slow operations show progress on stderr; doctor checks what a newcomer needs.</summary>
[Collection(InProcessRuns.Name)]
public sealed partial class VerboseAndProgressTests : IDisposable
{
    private readonly InProcessCli _cli = new();
    private readonly TcpListener _busy = new(IPAddress.Loopback, 0);

    public VerboseAndProgressTests()
    {
        _busy.Start();
        File.WriteAllText(Path.Combine(_cli.Home, "config.json"), $$"""{"listen":"http://127.0.0.1:{{((IPEndPoint)_busy.LocalEndpoint).Port}}"}""");
    }

    [Theory]
    [MemberData(nameof(CommandTreeGuardTests.Commands), MemberType = typeof(CommandTreeGuardTests))]
    public void Verbose_prints_the_time_a_command_took_on_stderr(string command)
    {
        var result = _cli.Run([.. command.Split(' '), "--verbose"]);
        Assert.Matches(Timing(), result.Stderr);
        Assert.Contains($"reach {command} exited {result.ExitCode}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(Timing(), result.Stdout);
    }

    [Fact]
    public void Verbose_timings_stay_off_json_output()
    {
        var result = _cli.Run("version", "--verbose", "--json");
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.DoesNotMatch(Timing(), result.Stderr);
    }

    [Fact]
    public void Doctor_checks_the_sdk_git_npx_and_whether_the_machine_is_online()
    {
        var result = _cli.Run("doctor", "--json");
        using var document = JsonDocument.Parse(result.Stdout);
        var names = document.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("dotnet-sdk", names);
        Assert.Contains("git", names);
        Assert.Contains("npx", names);
        Assert.Contains("network", names);
        var network = document.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "network");
        Assert.Matches("^(online|offline): ", network.GetProperty("detail").GetString()!);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Doctor_shows_its_progress_on_stderr_without_colors_and_not_under_quiet()
    {
        var human = _cli.Run("doctor");
        var quiet = _cli.Run("doctor", "--quiet");

        Assert.Contains("checking the runtime", human.Stderr, StringComparison.Ordinal);
        Assert.Contains("done in ", human.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", human.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("checking the runtime", human.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, quiet.Stderr);
    }

    public void Dispose()
    {
        _busy.Dispose();
        _cli.Dispose();
    }

    [GeneratedRegex(@"\[\d+\.\d ms\] reach")]
    private static partial Regex Timing();
}
