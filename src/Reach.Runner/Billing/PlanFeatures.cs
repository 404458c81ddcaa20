using Reach.Configuration;

namespace Reach.Runner.Billing;

/// <summary>
/// What a plan grants: every feature, whatever the plan. Nothing outside this folder reads a plan; features are turned
/// on by flags (<see cref="FeatureFlag"/>). See DEPRECATED.md.
/// </summary>
[Obsolete("Enterprise billing is frozen. Use OSS defaults.")]
internal static class PlanFeatures
{
    /// <summary>The features <paramref name="plan"/> makes available: all of them.</summary>
    public static IReadOnlyList<string> Of(Plan plan)
    {
        _ = plan;
        var names = new List<string>(FeatureFlag.All.Count);
        foreach (var flag in FeatureFlag.All)
        {
            names.Add(flag.Name);
        }

        return names;
    }

    /// <summary>Parses an old plan name (free, pro, enterprise; any case).</summary>
    public static Plan? Parse(string? name) => Enum.TryParse<Plan>(name, ignoreCase: true, out var plan) && Enum.IsDefined(plan) ? plan : null;
}
