namespace Reach.Cli.Tests;

/// <summary>
/// <c>reach run</c> honours <c>require_signed</c>, <c>policy_mode</c> and <c>fsync_interval_ms</c> from
/// <c>REACH_HOME/config.json</c>, with one precedence: option, then environment variable, then the file, then the default.
/// </summary>
public sealed class RunConfigFileTests
{
    private static readonly string[] Variables = ["REACH_POLICY_MODE", "REACH_REQUIRE_SIGNED", "REACH_FSYNC_INTERVAL_MS", "REACH_FEATURE_FLAGS"];

    private static string Policy(string name) => Path.Combine(Repository.Root, "policies", name, "policy.json");

    [Fact]
    public void Run_refuses_an_unsigned_pack_when_config_json_requires_signed_packs_as_the_option_does()
    {
        using var byOption = new ReachProcess();
        using var byFile = new ReachProcess();
        File.WriteAllText(Path.Combine(byFile.Home, "config.json"), """{"require_signed":true}""");

        var optionRun = Run(byOption, [], "run", ReachProcess.Example("hello"), "--require-signed", "--json");
        var fileRun = Run(byFile, [], "run", ReachProcess.Example("hello"), "--json");

        Assert.Equal(1, optionRun.ExitCode);
        Assert.Equal(optionRun.ExitCode, fileRun.ExitCode);
        Assert.Equal("REACH-5201", Code(optionRun));
        Assert.Equal("REACH-5201", Code(fileRun));
        Assert.False(Directory.Exists(Path.Combine(byFile.Home, "runs")) && Directory.EnumerateFiles(Path.Combine(byFile.Home, "runs"), "*.jsonl").Any());
    }

    [Fact]
    public void The_environment_overrides_config_json_for_require_signed_and_the_option_overrides_both()
    {
        using var reach = new ReachProcess();
        File.WriteAllText(Path.Combine(reach.Home, "config.json"), """{"require_signed":true}""");
        var envOff = Run(reach, [("REACH_REQUIRE_SIGNED", "0")], "run", ReachProcess.Example("hello"), "--json");

        File.WriteAllText(Path.Combine(reach.Home, "config.json"), """{"require_signed":false}""");
        var envOn = Run(reach, [("REACH_REQUIRE_SIGNED", "1")], "run", ReachProcess.Example("hello"), "--json");
        var option = Run(reach, [("REACH_REQUIRE_SIGNED", "0")], "run", ReachProcess.Example("hello"), "--require-signed", "--json");

        Assert.Equal(0, envOff.ExitCode);
        Assert.Equal("REACH-5201", Code(envOn));
        Assert.Equal("REACH-5201", Code(option));
    }

    [Fact]
    public void Run_takes_the_policy_mode_from_config_json_below_the_environment_and_the_option()
    {
        using var reach = new ReachProcess();
        File.WriteAllText(Path.Combine(reach.Home, "config.json"), """{"policy_mode":"warn"}""");
        string[] run = ["run", ReachProcess.Example("files-and-processes"), "--policy", Policy("read-only-files"), "--json"];

        var byFile = Run(reach, [], run);
        var byEnvironment = Run(reach, [("REACH_POLICY_MODE", "enforce")], run);
        var byOption = Run(reach, [("REACH_POLICY_MODE", "enforce")], [.. run, "--policy-mode", "warn"]);

        Assert.Equal(["warn"], Modes(byFile));
        Assert.Equal(0, byFile.ExitCode);
        Assert.Equal(["enforce"], Modes(byEnvironment));
        Assert.Equal(1, byEnvironment.ExitCode);
        Assert.Equal(["warn"], Modes(byOption));
        Assert.Equal(0, byOption.ExitCode);
    }

    [Fact]
    public void Run_takes_the_fsync_interval_from_config_json_below_the_environment_and_the_option()
    {
        using var reach = new ReachProcess();
        File.WriteAllText(Path.Combine(reach.Home, "config.json"), """{"fsync_interval_ms":250}""");
        string[] run = ["run", ReachProcess.Example("hello"), "--verbose"];

        var byFile = Run(reach, [], run);
        var byEnvironment = Run(reach, [("REACH_FSYNC_INTERVAL_MS", "40")], run);
        var byOption = Run(reach, [("REACH_FSYNC_INTERVAL_MS", "40")], [.. run, "--fsync-interval", "0"]);

        Assert.Contains("transcript fsync interval 250 ms (file)", byFile.Stderr, StringComparison.Ordinal);
        Assert.Contains("transcript fsync interval 40 ms (environment)", byEnvironment.Stderr, StringComparison.Ordinal);
        Assert.Contains("transcript fsync interval 0 ms (flag)", byOption.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_refuses_to_start_when_config_json_is_malformed_rather_than_ignoring_it()
    {
        using var reach = new ReachProcess();
        File.WriteAllText(Path.Combine(reach.Home, "config.json"), """{"require_signed":"yes"}""");

        var result = Run(reach, [], "run", ReachProcess.Example("hello"), "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("REACH-4103", Code(result));
        Assert.False(Directory.Exists(Path.Combine(reach.Home, "runs")) && Directory.EnumerateFiles(Path.Combine(reach.Home, "runs"), "*.jsonl").Any());
    }

    // The modes of the run's policy.decision events, distinct.
    private static List<string> Modes(ReachProcess.Result result)
    {
        using var document = JsonDocument.Parse(result.Stdout);
        var transcript = document.RootElement.GetProperty("transcript").GetString()!;
        var modes = new List<string>();
        foreach (var line in File.ReadAllLines(transcript))
        {
            using var e = JsonDocument.Parse(line);
            if (e.RootElement.TryGetProperty("type", out var type) && type.GetString() == "policy.decision")
            {
                modes.Add(e.RootElement.GetProperty("data").GetProperty("mode").GetString()!);
            }
        }

        return [.. modes.Distinct()];
    }

    private static string Code(ReachProcess.Result result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.Stdout);
            return document.RootElement.GetProperty("error").GetProperty("code").GetString()!;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException)
        {
            throw new InvalidOperationException($"exit {result.ExitCode}:\n{result.Stdout}\n{result.Stderr}", ex);
        }
    }

    // reach with the configuration variables cleared (the test host's own must not leak in), then the given ones set.
    private static ReachProcess.Result Run(ReachProcess reach, (string Name, string Value)[] environment, params string[] args)
    {
        var variables = Variables.ToDictionary(v => v, _ => string.Empty, StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        return PackSignCli.Run(reach, variables, args);
    }
}
