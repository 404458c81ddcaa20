using System.Globalization;
using Reach.Core.Errors;

namespace Reach.Configuration;

/// <summary>
/// Reads the effective <see cref="ReachConfig"/>: defaults, then <c>REACH_HOME/config.json</c>, then the environment.
/// Malformed JSON and values of the wrong kind are errors (REACH-4101..4103); unknown flags and keys are warnings.
/// </summary>
internal static class ConfigLoader
{
    /// <summary>Reads the configuration with the process's environment variables.</summary>
    public static ReachConfig Load(string home) => Load(home, ProcessVariables());

    /// <summary>Reads the configuration of <paramref name="home"/> with the given environment variables.</summary>
    public static ReachConfig Load(string home, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(environment);
        var path = Path.Combine(home, ReachConfig.FileName);
        var warnings = new List<ConfigWarning>();
        var features = new Dictionary<string, ConfigValue<bool>>(StringComparer.Ordinal);
        foreach (var flag in FeatureFlag.All)
        {
            features[flag.Name] = new ConfigValue<bool>(false, ConfigSource.Default);
        }

        var config = new ReachConfig { FilePath = path, Features = features };
        if (File.Exists(path))
        {
            config = ApplyFile(config, path, File.ReadAllBytes(path), features, warnings) with { FileFound = true };
        }

        config = ApplyEnvironment(config, environment, features, warnings);
        return config with { Warnings = warnings };
    }

    /// <summary>Parses <c>REACH_FEATURE_FLAGS</c>: a JSON object of booleans, or a comma list of flags to turn on.</summary>
    public static IReadOnlyList<KeyValuePair<string, bool>> ParseFlags(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var result = new List<KeyValuePair<string, bool>>();
        if (trimmed.Length == 0)
        {
            return result;
        }

        if (trimmed[0] is '{' or '[' or '"')
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(trimmed);
            }
            catch (JsonException ex)
            {
                throw new ReachException(ErrorCatalog.FeatureFlagsInvalidJson, $"{ReachConfig.FeatureFlagsVariable} is not valid JSON: {ex.Message}");
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ReachException(ErrorCatalog.FeatureFlagsInvalidJson, $"{ReachConfig.FeatureFlagsVariable} is JSON but not an object; write {{\"enable_sso\":true}}.");
                }

                foreach (var member in document.RootElement.EnumerateObject())
                {
                    result.Add(new(member.Name, Boolean(member.Value, $"{ReachConfig.FeatureFlagsVariable}: the flag '{member.Name}'")));
                }
            }

            return result;
        }

        foreach (var name in trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result.Add(new(name, true));
        }

        return result;
    }

    private static ReachConfig ApplyFile(ReachConfig config, string path, byte[] bytes, Dictionary<string, ConfigValue<bool>> features, List<ConfigWarning> warnings)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw new ReachException(ErrorCatalog.ConfigFileInvalidJson, $"{path} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ReachException(ErrorCatalog.ConfigFileInvalidJson, $"{path} holds JSON but not an object.");
            }

            foreach (var member in document.RootElement.EnumerateObject())
            {
                var where = $"{path}: '{member.Name}'";
                switch (member.Name)
                {
                    case ReachConfig.PolicyModeKey:
                        config = config with { PolicyMode = new(PolicyMode(String(member.Value, where), where), ConfigSource.File) };
                        break;
                    case ReachConfig.RequireSignedKey:
                        config = config with { RequireSigned = new(Boolean(member.Value, where), ConfigSource.File) };
                        break;
                    case ReachConfig.FsyncIntervalKey:
                        config = config with { FsyncIntervalMs = new(Interval(member.Value, where), ConfigSource.File) };
                        break;
                    case ReachConfig.ListenKey:
                        config = config with { Listen = new(String(member.Value, where), ConfigSource.File) };
                        break;
                    case ReachConfig.SpawnMaxDepthKey:
                        config = config with { SpawnMaxDepth = new(Count(member.Value, where, 0), ConfigSource.File) };
                        break;
                    case ReachConfig.SpawnMaxChildrenKey:
                        config = config with { SpawnMaxChildren = new(Count(member.Value, where, 0), ConfigSource.File) };
                        break;
                    case ReachConfig.MaxRequestBytesKey:
                        config = config with { MaxRequestBytes = new(Count(member.Value, where, 1024), ConfigSource.File) };
                        break;
                    case ReachConfig.RateLimitKey:
                        config = config with { RateLimitPerSecond = new(Count(member.Value, where, 0), ConfigSource.File) };
                        break;
                    case ReachConfig.AuthFailuresKey:
                        config = config with { AuthFailuresPerMinute = new(Count(member.Value, where, 0), ConfigSource.File) };
                        break;
                    case ReachConfig.RequireTokenKey:
                        config = config with { RequireToken = new(Boolean(member.Value, where), ConfigSource.File) };
                        break;
                    case ReachConfig.PackDirectoriesKey:
                        config = config with { PackDirectories = new(Directories(member.Value, where, Path.GetDirectoryName(path)!), ConfigSource.File) };
                        break;
                    case ReachConfig.PolicyDirectoriesKey:
                        config = config with { PolicyDirectories = new(Directories(member.Value, where, Path.GetDirectoryName(path)!), ConfigSource.File) };
                        break;
                    case ReachConfig.FeaturesKey:
                        if (member.Value.ValueKind != JsonValueKind.Object)
                        {
                            throw Invalid(where, "an object of booleans like {\"enable_sso\":true}");
                        }

                        foreach (var flag in member.Value.EnumerateObject())
                        {
                            SetFlag(features, warnings, flag.Name, Boolean(flag.Value, $"{path}: the flag '{flag.Name}'"), ConfigSource.File, path);
                        }

                        break;
                    default:
                        warnings.Add(new(ErrorCatalog.ConfigKeyUnknown, $"{path}: the key '{member.Name}' is not a Reach setting; it is ignored."));
                        break;
                }
            }
        }

        return config;
    }

    private static ReachConfig ApplyEnvironment(ReachConfig config, IReadOnlyDictionary<string, string> environment, Dictionary<string, ConfigValue<bool>> features, List<ConfigWarning> warnings)
    {
        if (Get(environment, ReachConfig.PolicyModeVariable) is { } mode)
        {
            config = config with { PolicyMode = new(PolicyMode(mode, ReachConfig.PolicyModeVariable), ConfigSource.Environment) };
        }

        if (Get(environment, ReachConfig.RequireSignedVariable) is { } signed)
        {
            // As `reach run` reads it: any value but 0, false or no asks for signed packs.
            config = config with { RequireSigned = new(signed is not ("0" or "false" or "no"), ConfigSource.Environment) };
        }

        if (Get(environment, ReachConfig.FsyncIntervalVariable) is { } interval)
        {
            if (!int.TryParse(interval, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                throw Invalid(ReachConfig.FsyncIntervalVariable, "a whole number of milliseconds, 0 or more");
            }

            config = config with { FsyncIntervalMs = new(ms, ConfigSource.Environment) };
        }

        if (Get(environment, ReachConfig.FeatureFlagsVariable) is { } flags)
        {
            foreach (var (name, enabled) in ParseFlags(flags))
            {
                SetFlag(features, warnings, name, enabled, ConfigSource.Environment, ReachConfig.FeatureFlagsVariable);
            }
        }

        return config;
    }

    private static void SetFlag(Dictionary<string, ConfigValue<bool>> features, List<ConfigWarning> warnings, string name, bool enabled, ConfigSource source, string where)
    {
        if (FeatureFlag.Find(name) is null)
        {
            warnings.Add(new(ErrorCatalog.FeatureFlagUnknown, $"{where}: '{name}' is not a Reach feature flag; it is ignored."));
            return;
        }

        features[name] = new ConfigValue<bool>(enabled, source);
    }

    private static string PolicyMode(string value, string where) =>
        value is "enforce" or "warn" ? value : throw Invalid(where, "enforce or warn", value);

    private static string String(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : throw Invalid(where, "a non-empty string");

    private static bool Boolean(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Invalid(where, "true or false"),
    };

    private static string[] Directories(JsonElement value, string where, string home) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && e.GetString()!.Length > 0)
            ? [.. value.EnumerateArray().Select(e => Path.GetFullPath(e.GetString()!, home))]
            : throw Invalid(where, "an array of directory paths");

    private static int Interval(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var ms) && ms >= 0 ? ms : throw Invalid(where, "a whole number of milliseconds, 0 or more");

    private static int Count(JsonElement value, string where, int min) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min ? n : throw Invalid(where, $"a whole number, {min} or more");

    private static ReachException Invalid(string where, string expected, string? given = null) =>
        new(ErrorCatalog.ConfigValueInvalid, given is null ? $"{where} must be {expected}." : $"{where} must be {expected}, not '{given}'.");

    private static string? Get(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static Dictionary<string, string> ProcessVariables()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return result;
    }
}
