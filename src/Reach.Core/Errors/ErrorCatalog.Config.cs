namespace Reach.Core.Errors;

/// <summary>Configuration (4100): <c>REACH_HOME/config.json</c>, <c>REACH_FEATURE_FLAGS</c> and the other settings.</summary>
public static partial class ErrorCatalog
{
    // 4100: configuration and feature flags
    /// <summary>REACH_HOME/config.json is not valid JSON or not an object.</summary>
    public static readonly ErrorCode ConfigFileInvalidJson = Define("REACH-4101", ErrorKind.Input, "config.json is not a valid JSON object", "Fix REACH_HOME/config.json at the reported line and column (a JSON object, docs/CONFIG.md), or remove it to use the defaults.");
    /// <summary>REACH_FEATURE_FLAGS looks like JSON but is not a valid JSON object.</summary>
    public static readonly ErrorCode FeatureFlagsInvalidJson = Define("REACH-4102", ErrorKind.Input, "REACH_FEATURE_FLAGS is not a valid JSON object", "Set REACH_FEATURE_FLAGS to a JSON object like {\"enable_sso\":true} or a comma list like enable_sso,enable_compliance_logs.");
    /// <summary>A setting has a value of the wrong type or outside its range.</summary>
    public static readonly ErrorCode ConfigValueInvalid = Define("REACH-4103", ErrorKind.Input, "A configuration value is invalid", "Give the setting a value of the kind docs/CONFIG.md lists (the message names the setting and where it came from).");
    /// <summary>A feature flag Reach does not know; reported as a warning and ignored.</summary>
    public static readonly ErrorCode FeatureFlagUnknown = Define("REACH-4110", ErrorKind.Input, "Unknown feature flag (a warning; the flag is ignored)", "Use enable_sso, enable_compliance_logs, enable_node_federation or enable_unlimited_spawns; `reach config show` lists them.");
    /// <summary>A key in config.json Reach does not know; reported as a warning and ignored.</summary>
    public static readonly ErrorCode ConfigKeyUnknown = Define("REACH-4111", ErrorKind.Input, "Unknown key in config.json (a warning; the key is ignored)", "Use the keys docs/CONFIG.md lists: policy_mode, require_signed, fsync_interval_ms, listen, features.");
}
