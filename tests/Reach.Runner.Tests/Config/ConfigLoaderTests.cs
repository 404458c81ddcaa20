using Reach.Core.Errors;
using Reach.Configuration;

namespace Reach.Runner.Tests.Config;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("reach-config-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    [Fact]
    public void Without_file_or_variables_every_value_is_its_default()
    {
        var config = Load();
        Assert.False(config.FileFound);
        Assert.Equal(new ConfigValue<string>("enforce", ConfigSource.Default), config.PolicyMode);
        Assert.Equal(new ConfigValue<bool>(false, ConfigSource.Default), config.RequireSigned);
        Assert.Equal(new ConfigValue<int>(1000, ConfigSource.Default), config.FsyncIntervalMs);
        Assert.Equal(new ConfigValue<string>("http://127.0.0.1:8787", ConfigSource.Default), config.Listen);
        Assert.All(FeatureFlag.All, f => Assert.Equal(new ConfigValue<bool>(false, ConfigSource.Default), config.Features[f.Name]));
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Feature_flags_are_read_from_a_json_object()
    {
        var config = Load(("REACH_FEATURE_FLAGS", """{"enable_sso":true,"enable_compliance_logs":false}"""));
        Assert.Equal(new ConfigValue<bool>(true, ConfigSource.Environment), config.Features[FeatureFlag.Sso]);
        Assert.Equal(new ConfigValue<bool>(false, ConfigSource.Environment), config.Features[FeatureFlag.ComplianceLogs]);
        Assert.False(config.IsEnabled(FeatureFlag.UnlimitedSpawns));
    }

    [Fact]
    public void Feature_flags_are_read_from_a_comma_list()
    {
        var config = Load(("REACH_FEATURE_FLAGS", " enable_sso, enable_compliance_logs ,"));
        Assert.True(config.IsEnabled(FeatureFlag.Sso));
        Assert.True(config.IsEnabled(FeatureFlag.ComplianceLogs));
        Assert.False(config.IsEnabled(FeatureFlag.NodeFederation));
        Assert.Equal(ConfigSource.Environment, config.Features[FeatureFlag.Sso].Source);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void The_environment_wins_over_the_file_flag_by_flag_and_setting_by_setting()
    {
        WriteFile("""{"policy_mode":"warn","fsync_interval_ms":50,"listen":"http://127.0.0.1:9000","features":{"enable_sso":true,"enable_unlimited_spawns":true}}""");
        var config = Load(("REACH_FEATURE_FLAGS", """{"enable_sso":false}"""), ("REACH_POLICY_MODE", "enforce"));
        Assert.True(config.FileFound);
        Assert.Equal(new ConfigValue<bool>(false, ConfigSource.Environment), config.Features[FeatureFlag.Sso]);
        Assert.Equal(new ConfigValue<bool>(true, ConfigSource.File), config.Features[FeatureFlag.UnlimitedSpawns]);
        Assert.Equal(new ConfigValue<string>("enforce", ConfigSource.Environment), config.PolicyMode);
        Assert.Equal(new ConfigValue<int>(50, ConfigSource.File), config.FsyncIntervalMs);
        Assert.Equal(new ConfigValue<string>("http://127.0.0.1:9000", ConfigSource.File), config.Listen);
    }

    [Fact]
    public void Settings_are_read_from_the_environment()
    {
        var config = Load(("REACH_REQUIRE_SIGNED", "1"), ("REACH_FSYNC_INTERVAL_MS", "0"), ("REACH_POLICY_MODE", "warn"));
        Assert.Equal(new ConfigValue<bool>(true, ConfigSource.Environment), config.RequireSigned);
        Assert.Equal(new ConfigValue<int>(0, ConfigSource.Environment), config.FsyncIntervalMs);
        Assert.Equal(new ConfigValue<string>("warn", ConfigSource.Environment), config.PolicyMode);
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("yes", true)]
    public void Require_signed_reads_the_variable_as_reach_run_does(string value, bool expected)
    {
        Assert.Equal(expected, Load(("REACH_REQUIRE_SIGNED", value)).RequireSigned.Value);
    }

    [Fact]
    public void An_unknown_flag_is_a_warning_and_is_ignored()
    {
        WriteFile("""{"features":{"enable_teleport":true}}""");
        var config = Load(("REACH_FEATURE_FLAGS", "enable_sso,enable_magic"));
        Assert.True(config.IsEnabled(FeatureFlag.Sso));
        Assert.Equal(2, config.Warnings.Count);
        Assert.All(config.Warnings, w => Assert.Equal(ErrorCatalog.FeatureFlagUnknown, w.Error));
        Assert.Contains(config.Warnings, w => w.Message.Contains("enable_magic", StringComparison.Ordinal));
        Assert.Contains(config.Warnings, w => w.Message.Contains("enable_teleport", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_key_in_the_file_is_a_warning()
    {
        WriteFile("""{"tier":"enterprise"}""");
        var warning = Assert.Single(Load().Warnings);
        Assert.Equal(ErrorCatalog.ConfigKeyUnknown, warning.Error);
    }

    [Theory]
    [InlineData("{\"enable_sso\":")]
    [InlineData("{enable_sso:true}")]
    [InlineData("[\"enable_sso\"]")]
    public void Malformed_json_in_the_variable_is_an_error_with_its_code(string value)
    {
        var error = Assert.Throws<ReachException>(() => Load(("REACH_FEATURE_FLAGS", value)));
        Assert.Equal("REACH-4102", error.Code);
    }

    [Theory]
    [InlineData("{\"features\":")]
    [InlineData("[]")]
    [InlineData("not json")]
    public void Malformed_json_in_the_file_is_an_error_with_its_code(string text)
    {
        WriteFile(text);
        var error = Assert.Throws<ReachException>(() => Load());
        Assert.Equal("REACH-4101", error.Code);
        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"policy_mode":"audit"}""")]
    [InlineData("""{"fsync_interval_ms":-1}""")]
    [InlineData("""{"require_signed":"yes"}""")]
    [InlineData("""{"features":{"enable_sso":"on"}}""")]
    [InlineData("""{"features":["enable_sso"]}""")]
    public void A_value_of_the_wrong_kind_in_the_file_is_an_error(string text)
    {
        WriteFile(text);
        Assert.Equal("REACH-4103", Assert.Throws<ReachException>(() => Load()).Code);
    }

    [Theory]
    [InlineData("REACH_POLICY_MODE", "audit")]
    [InlineData("REACH_FSYNC_INTERVAL_MS", "soon")]
    [InlineData("REACH_FEATURE_FLAGS", """{"enable_sso":1}""")]
    public void A_value_of_the_wrong_kind_in_the_environment_is_an_error(string variable, string value)
    {
        Assert.Equal("REACH-4103", Assert.Throws<ReachException>(() => Load((variable, value))).Code);
    }

    private void WriteFile(string text) => File.WriteAllText(Path.Combine(_home, "config.json"), text);

    private ReachConfig Load(params (string Name, string Value)[] variables) =>
        ConfigLoader.Load(_home, variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal));
}
