namespace Reach.Configuration;

/// <summary>
/// The effective configuration: each setting and feature flag with its value and source. Read by
/// <see cref="ConfigLoader"/> from <c>REACH_HOME/config.json</c> and the environment (the environment wins); a command
/// that takes an option for a setting replaces it with <c>with</c> and <see cref="ConfigSource.Flag"/>.
/// </summary>
internal sealed record ReachConfig
{
    public const string FileName = "config.json";
    public const string PolicyModeKey = "policy_mode";
    public const string RequireSignedKey = "require_signed";
    public const string FsyncIntervalKey = "fsync_interval_ms";
    public const string ListenKey = "listen";
    public const string FeaturesKey = "features";
    public const string SpawnMaxDepthKey = "spawn_max_depth";
    public const string SpawnMaxChildrenKey = "spawn_max_children";
    public const string MaxRequestBytesKey = "max_request_bytes";
    public const string RateLimitKey = "rate_limit_per_second";
    public const string RequireTokenKey = "require_token";
    public const string AuthFailuresKey = "auth_failures_per_minute";
    public const string PackDirectoriesKey = "pack_directories";
    public const string PolicyDirectoriesKey = "policy_directories";
    public const string PolicyModeVariable = ReachVariables.PolicyMode;
    public const string RequireSignedVariable = ReachVariables.RequireSigned;
    public const string FsyncIntervalVariable = ReachVariables.FsyncInterval;
    public const string FeatureFlagsVariable = ReachVariables.FeatureFlags;
    public const string DefaultListen = "http://127.0.0.1:8787";

    /// <summary>The configuration file's path, whether or not it exists.</summary>
    public required string FilePath { get; init; }

    public bool FileFound { get; init; }

    /// <summary><c>enforce</c> or <c>warn</c>.</summary>
    public ConfigValue<string> PolicyMode { get; init; } = new("enforce", ConfigSource.Default);

    public ConfigValue<bool> RequireSigned { get; init; } = new(false, ConfigSource.Default);

    public ConfigValue<int> FsyncIntervalMs { get; init; } = new(1000, ConfigSource.Default);

    public ConfigValue<string> Listen { get; init; } = new(DefaultListen, ConfigSource.Default);

    /// <summary>How deep child sessions may be spawned (without <c>enable_unlimited_spawns</c>).</summary>
    public ConfigValue<int> SpawnMaxDepth { get; init; } = new(3, ConfigSource.Default);

    /// <summary>How many children one session may spawn (without <c>enable_unlimited_spawns</c>).</summary>
    public ConfigValue<int> SpawnMaxChildren { get; init; } = new(8, ConfigSource.Default);

    /// <summary>The largest request body the runner reads; larger ones get 413.</summary>
    public ConfigValue<int> MaxRequestBytes { get; init; } = new(1024 * 1024, ConfigSource.Default);

    /// <summary>Requests per second each token (or, without one, each client address) may send; 0 turns the limit off.</summary>
    public ConfigValue<int> RateLimitPerSecond { get; init; } = new(10_000, ConfigSource.Default);

    /// <summary>Failed authentications one client address may make in a minute before it is refused (429) for the rest of it; 0 turns the limit off.</summary>
    public ConfigValue<int> AuthFailuresPerMinute { get; init; } = new(30, ConfigSource.Default);

    /// <summary>Whether every request needs a token, even on a loopback bind.</summary>
    public ConfigValue<bool> RequireToken { get; init; } = new(false, ConfigSource.Default);

    /// <summary>Directories of packs (each folder in it, or the directory itself) runner clients may open by manifest NAME (relative entries: from REACH_HOME).</summary>
    public ConfigValue<IReadOnlyList<string>> PackDirectories { get; init; } = new([], ConfigSource.Default);

    /// <summary>Directories whose NAME/policy.json or NAME.json are bundles runner clients may name (relative entries: from REACH_HOME).</summary>
    public ConfigValue<IReadOnlyList<string>> PolicyDirectories { get; init; } = new([], ConfigSource.Default);

    /// <summary>Every known flag (<see cref="FeatureFlag.All"/>), on or off, with its source.</summary>
    public required IReadOnlyDictionary<string, ConfigValue<bool>> Features { get; init; }

    public IReadOnlyList<ConfigWarning> Warnings { get; init; } = [];

    public bool IsEnabled(string flag) => Features.TryGetValue(flag, out var value) && value.Value;
}
