namespace Reach.Configuration;

/// <summary>
/// Every environment variable Reach reads, named once (docs/CONFIG.md lists them). Hosts read them through their
/// environment seam (the CLI's <c>CliEnvironment</c>, the runner's options), never by literal.
/// </summary>
internal static class ReachVariables
{
    /// <summary>Where Reach keeps its runs, packs, keys and configuration (default <c>~/.reach</c>).</summary>
    public const string Home = "REACH_HOME";

    /// <summary><c>enforce</c> or <c>warn</c>.</summary>
    public const string PolicyMode = "REACH_POLICY_MODE";

    /// <summary>Refuse unsigned or untrusted packs (1) or allow them (0).</summary>
    public const string RequireSigned = "REACH_REQUIRE_SIGNED";

    /// <summary>Milliseconds between transcript fsyncs.</summary>
    public const string FsyncInterval = "REACH_FSYNC_INTERVAL_MS";

    /// <summary>Feature flags, a JSON object or a comma list.</summary>
    public const string FeatureFlags = "REACH_FEATURE_FLAGS";

    /// <summary>The runner's PostgreSQL connection string.</summary>
    public const string DatabaseUrl = "REACH_DATABASE_URL";

    /// <summary>The passphrase of an encrypted signing key.</summary>
    public const string KeyPassphrase = "REACH_KEY_PASSPHRASE";
}
