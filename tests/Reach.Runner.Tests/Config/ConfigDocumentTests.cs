using Reach.Configuration;

namespace Reach.Runner.Tests.Config;

public class ConfigDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(Repository.Root, "docs", "CONFIG.md"));

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>
        {
            ReachConfig.PolicyModeKey, ReachConfig.RequireSignedKey, ReachConfig.FsyncIntervalKey, ReachConfig.ListenKey, ReachConfig.FeaturesKey,
            ReachConfig.PolicyModeVariable, ReachConfig.RequireSignedVariable, ReachConfig.FsyncIntervalVariable, ReachConfig.FeatureFlagsVariable,
        };
        foreach (var flag in FeatureFlag.All)
        {
            names.Add(flag.Name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Config_md_documents_every_key_variable_and_flag(string name)
    {
        Assert.Contains($"| `{name}` |", Document, StringComparison.Ordinal);
    }
}
