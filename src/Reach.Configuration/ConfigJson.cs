namespace Reach.Configuration;

/// <summary>The JSON shape of the effective configuration, shared by <c>reach config show --json</c> and <c>GET /v1/features</c>.</summary>
internal static class ConfigJson
{
    /// <summary>Writes <c>file</c>, <c>file_found</c>, <c>settings</c>, <c>features</c> and <c>warnings</c> into the open object.</summary>
    public static void Write(Utf8JsonWriter w, ReachConfig config)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(config);
        w.WriteString("file", config.FilePath);
        w.WriteBoolean("file_found", config.FileFound);
        w.WriteStartObject("settings");
        Setting(w, ReachConfig.PolicyModeKey, config.PolicyMode.Source, ReachConfig.PolicyModeVariable, v => v.WriteStringValue(config.PolicyMode.Value));
        Setting(w, ReachConfig.RequireSignedKey, config.RequireSigned.Source, ReachConfig.RequireSignedVariable, v => v.WriteBooleanValue(config.RequireSigned.Value));
        Setting(w, ReachConfig.FsyncIntervalKey, config.FsyncIntervalMs.Source, ReachConfig.FsyncIntervalVariable, v => v.WriteNumberValue(config.FsyncIntervalMs.Value));
        Setting(w, ReachConfig.ListenKey, config.Listen.Source, null, v => v.WriteStringValue(config.Listen.Value));
        Setting(w, ReachConfig.RequireTokenKey, config.RequireToken.Source, null, v => v.WriteBooleanValue(config.RequireToken.Value));
        Setting(w, ReachConfig.MaxRequestBytesKey, config.MaxRequestBytes.Source, null, v => v.WriteNumberValue(config.MaxRequestBytes.Value));
        Setting(w, ReachConfig.RateLimitKey, config.RateLimitPerSecond.Source, null, v => v.WriteNumberValue(config.RateLimitPerSecond.Value));
        Setting(w, ReachConfig.AuthFailuresKey, config.AuthFailuresPerMinute.Source, null, v => v.WriteNumberValue(config.AuthFailuresPerMinute.Value));
        Setting(w, ReachConfig.SpawnMaxDepthKey, config.SpawnMaxDepth.Source, null, v => v.WriteNumberValue(config.SpawnMaxDepth.Value));
        Setting(w, ReachConfig.SpawnMaxChildrenKey, config.SpawnMaxChildren.Source, null, v => v.WriteNumberValue(config.SpawnMaxChildren.Value));
        Setting(w, ReachConfig.PackDirectoriesKey, config.PackDirectories.Source, null, v => Strings(v, config.PackDirectories.Value));
        Setting(w, ReachConfig.PolicyDirectoriesKey, config.PolicyDirectories.Source, null, v => Strings(v, config.PolicyDirectories.Value));
        w.WriteEndObject();
        WriteFeatures(w, config);
        w.WriteStartArray("warnings");
        foreach (var warning in config.Warnings)
        {
            w.WriteStartObject();
            w.WriteString("code", warning.Error.Code);
            w.WriteString("message", warning.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Writes <c>features</c>: each flag with <c>enabled</c>, <c>source</c> and, when it has one, <c>note</c>.</summary>
    public static void WriteFeatures(Utf8JsonWriter w, ReachConfig config)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(config);
        w.WriteStartObject("features");
        foreach (var flag in FeatureFlag.All)
        {
            var value = config.Features[flag.Name];
            w.WriteStartObject(flag.Name);
            w.WriteBoolean("enabled", value.Value);
            w.WriteString("source", ConfigSources.Text(value.Source));
            if (flag.Note is not null)
            {
                w.WriteString("note", flag.Note);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, IReadOnlyList<string> values)
    {
        w.WriteStartArray();
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Setting(Utf8JsonWriter w, string key, ConfigSource source, string? variable, Action<Utf8JsonWriter> value)
    {
        w.WriteStartObject(key);
        w.WritePropertyName("value");
        value(w);
        w.WriteString("source", ConfigSources.Text(source));
        if (variable is not null)
        {
            w.WriteString("variable", variable);
        }

        w.WriteEndObject();
    }
}
