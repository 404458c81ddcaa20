namespace Reach.Configuration;

/// <summary>A feature flag: off unless <c>REACH_FEATURE_FLAGS</c> or <c>config.json</c> turns it on. Flags, not billing plans, decide what is on.</summary>
internal sealed record FeatureFlag(string Name, string Description, string? Note = null)
{
    public const string Sso = "enable_sso";
    public const string ComplianceLogs = "enable_compliance_logs";
    public const string NodeFederation = "enable_node_federation";
    public const string UnlimitedSpawns = "enable_unlimited_spawns";

    /// <summary>Every flag Reach knows, in the order it lists them.</summary>
    public static IReadOnlyList<FeatureFlag> All { get; } =
    [
        new(Sso, "accept OpenID Connect bearer tokens besides Reach tokens"),
        new(ComplianceLogs, "an append-only, hash-chained audit log of every mutating API call"),
        new(NodeFederation, "several runners as one", "reserved for the multi-node work; it changes nothing yet"),
        new(UnlimitedSpawns, "sessions spawn child sessions without the depth and count limits"),
    ];

    public static FeatureFlag? Find(string name)
    {
        foreach (var flag in All)
        {
            if (string.Equals(flag.Name, name, StringComparison.Ordinal))
            {
                return flag;
            }
        }

        return null;
    }
}
