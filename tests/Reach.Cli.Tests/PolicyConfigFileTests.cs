namespace Reach.Cli.Tests;

/// <summary>
/// The policy commands read <c>policy_mode</c> as <c>reach run</c> does: the option, then REACH_POLICY_MODE, then
/// <c>REACH_HOME/config.json</c>, then enforce (the file was shown by <c>reach config show</c> but ignored here).
/// </summary>
public sealed class PolicyConfigFileTests
{
    [Fact]
    public void Policy_eval_takes_the_mode_from_config_json_below_the_environment_and_the_option()
    {
        using var reach = new ReachProcess();
        File.WriteAllText(Path.Combine(reach.Home, "config.json"), """{"policy_mode":"warn"}""");
        var call = Path.Combine(reach.Home, "call.json");
        File.WriteAllText(call, """{"tool":"http.get","args":{"url":"https://example.com/"}}""");
        string[] eval = ["policy", "eval", Path.Combine(Repository.Root, "policies", "no-network", "policy.json"), "--call", call, "--json"];

        var byFile = Mode(PackSignCli.Run(reach, new Dictionary<string, string> { ["REACH_POLICY_MODE"] = string.Empty }, eval));
        var byEnvironment = Mode(PackSignCli.Run(reach, new Dictionary<string, string> { ["REACH_POLICY_MODE"] = "enforce" }, eval));
        var byOption = Mode(PackSignCli.Run(reach, new Dictionary<string, string> { ["REACH_POLICY_MODE"] = "enforce" }, [.. eval, "--mode", "warn"]));

        Assert.Equal(("warn", "permit"), byFile);
        Assert.Equal(("enforce", "deny"), byEnvironment);
        Assert.Equal(("warn", "permit"), byOption);
    }

    private static (string Mode, string Effect) Mode(ReachProcess.Result result)
    {
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        using var document = JsonDocument.Parse(result.Stdout);
        var decision = document.RootElement.GetProperty("decision");
        return (decision.GetProperty("mode").GetString()!, decision.GetProperty("effect").GetString()!);
    }
}
