namespace Reach.Cli.Tests;

public class ConfigCommandTests
{
    private static readonly string[] Variables = ["REACH_FEATURE_FLAGS", "REACH_POLICY_MODE", "REACH_REQUIRE_SIGNED", "REACH_FSYNC_INTERVAL_MS"];

    [Fact]
    public void Config_show_json_reports_each_value_with_its_source()
    {
        using var reach = new ReachProcess();
        File.WriteAllText(Path.Combine(reach.Home, "config.json"), """{"policy_mode":"warn","fsync_interval_ms":250,"features":{"enable_sso":true,"enable_unlimited_spawns":true}}""");

        var result = Run(reach, [("REACH_FEATURE_FLAGS", """{"enable_sso":false,"enable_compliance_logs":true}"""), ("REACH_POLICY_MODE", "enforce")], "config", "show", "--json");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        var root = document.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.True(root.GetProperty("file_found").GetBoolean());
        var settings = root.GetProperty("settings");
        AssertSetting(settings, "policy_mode", "enforce", "environment");
        Assert.Equal(250, settings.GetProperty("fsync_interval_ms").GetProperty("value").GetInt32());
        Assert.Equal("file", settings.GetProperty("fsync_interval_ms").GetProperty("source").GetString());
        Assert.False(settings.GetProperty("require_signed").GetProperty("value").GetBoolean());
        AssertSetting(settings, "listen", "http://127.0.0.1:8787", "default");
        var features = root.GetProperty("features");
        AssertFlag(features, "enable_sso", false, "environment");
        AssertFlag(features, "enable_compliance_logs", true, "environment");
        AssertFlag(features, "enable_unlimited_spawns", true, "file");
        AssertFlag(features, "enable_node_federation", false, "default");
        Assert.Contains("reserved for the multi-node work", features.GetProperty("enable_node_federation").GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, root.GetProperty("warnings").GetArrayLength());
    }

    [Fact]
    public void Config_show_lists_an_unknown_flag_as_a_warning()
    {
        using var reach = new ReachProcess();
        var result = Run(reach, [("REACH_FEATURE_FLAGS", "enable_sso,enable_warp")], "config", "show", "--json");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.False(document.RootElement.GetProperty("file_found").GetBoolean());
        AssertFlag(document.RootElement.GetProperty("features"), "enable_sso", true, "environment");
        var warning = Assert.Single(document.RootElement.GetProperty("warnings").EnumerateArray());
        Assert.Equal("REACH-4110", warning.GetProperty("code").GetString());
        Assert.Contains("enable_warp", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Config_show_fails_with_its_code_on_a_malformed_config_file()
    {
        using var reach = new ReachProcess();
        File.WriteAllText(Path.Combine(reach.Home, "config.json"), "{\"features\": {");

        var result = Run(reach, [], "config", "show", "--json");

        Assert.Equal(2, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Equal("REACH-4101", document.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Config_show_fails_with_its_code_on_malformed_json_flags()
    {
        using var reach = new ReachProcess();
        var result = Run(reach, [("REACH_FEATURE_FLAGS", "{\"enable_sso\":tru}")], "config", "show");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error[REACH-4102]", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_show_prints_each_setting_and_its_source()
    {
        using var reach = new ReachProcess();
        var result = Run(reach, [("REACH_FEATURE_FLAGS", "enable_sso")], "config", "show");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"enable_sso\s+on\s+environment REACH_FEATURE_FLAGS", result.Stdout);
        Assert.Matches(@"policy_mode\s+enforce\s+default", result.Stdout);
        Assert.Contains("reserved for the multi-node work", result.Stdout, StringComparison.Ordinal);
    }

    private static void AssertSetting(JsonElement settings, string key, string value, string source)
    {
        Assert.Equal(value, settings.GetProperty(key).GetProperty("value").GetString());
        Assert.Equal(source, settings.GetProperty(key).GetProperty("source").GetString());
    }

    private static void AssertFlag(JsonElement features, string name, bool enabled, string source)
    {
        Assert.Equal(enabled, features.GetProperty(name).GetProperty("enabled").GetBoolean());
        Assert.Equal(source, features.GetProperty(name).GetProperty("source").GetString());
    }

    private static ReachProcess.Result Run(ReachProcess reach, (string Name, string Value)[] variables, params string[] args)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Variables)
        {
            environment[name] = null;
        }

        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return reach.RunIn(null, environment, args);
    }
}
