using Reach.Configuration;

namespace Reach.Cli.Commands;

/// <summary><c>reach config show</c>: the effective configuration and where each value came from.</summary>
internal static class ConfigCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var show = new Command("show", "Print every setting and feature flag with its effective value and its source (default, file, environment, flag).\n\nExample:\n  REACH_FEATURE_FLAGS=enable_sso reach config show --json");
        show.SetAction(parse => Show(new CommandContext(parse, environment)));
        var config = new Command("config", "Show the configuration read from REACH_HOME/config.json and the environment (docs/CONFIG.md).\n\nExample:\n  reach config show")
        {
            show,
        };
        return config;
    }

    private static int Show(CommandContext context)
    {
        var config = ConfigLoader.Load(context.Environment.Home, context.Environment.Variables);
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", true);
                ConfigJson.Write(w, config);
            });
            return 0;
        }

        context.Plain($"config  {config.FilePath}{(config.FileFound ? string.Empty : "  (not found: defaults and environment only)")}");
        Row(context, ReachConfig.PolicyModeKey, config.PolicyMode.Value, config.PolicyMode.Source, ReachConfig.PolicyModeVariable);
        Row(context, ReachConfig.RequireSignedKey, config.RequireSigned.Value ? "true" : "false", config.RequireSigned.Source, ReachConfig.RequireSignedVariable);
        Row(context, ReachConfig.FsyncIntervalKey, config.FsyncIntervalMs.Value.ToString(CultureInfo.InvariantCulture), config.FsyncIntervalMs.Source, ReachConfig.FsyncIntervalVariable);
        Row(context, ReachConfig.ListenKey, config.Listen.Value, config.Listen.Source, null);
        Row(context, ReachConfig.RequireTokenKey, config.RequireToken.Value ? "true" : "false", config.RequireToken.Source, null);
        Row(context, ReachConfig.MaxRequestBytesKey, config.MaxRequestBytes.Value.ToString(CultureInfo.InvariantCulture), config.MaxRequestBytes.Source, null);
        Row(context, ReachConfig.RateLimitKey, config.RateLimitPerSecond.Value.ToString(CultureInfo.InvariantCulture), config.RateLimitPerSecond.Source, null);
        Row(context, ReachConfig.SpawnMaxDepthKey, config.SpawnMaxDepth.Value.ToString(CultureInfo.InvariantCulture), config.SpawnMaxDepth.Source, null);
        Row(context, ReachConfig.SpawnMaxChildrenKey, config.SpawnMaxChildren.Value.ToString(CultureInfo.InvariantCulture), config.SpawnMaxChildren.Source, null);
        Row(context, ReachConfig.PackDirectoriesKey, config.PackDirectories.Value.Count == 0 ? "(none)" : string.Join(", ", config.PackDirectories.Value), config.PackDirectories.Source, null);
        Row(context, ReachConfig.PolicyDirectoriesKey, config.PolicyDirectories.Value.Count == 0 ? "(none)" : string.Join(", ", config.PolicyDirectories.Value), config.PolicyDirectories.Source, null);
        var database = context.Environment.Get(ReachVariables.DatabaseUrl);
        context.Plain($"{"database",-27}{Column(database is null ? "sqlite REACH_HOME/reach.db" : "postgresql (" + Redact(database) + ")")}{(database is null ? "default" : "environment REACH_DATABASE_URL")}");
        context.Plain("features");
        foreach (var flag in FeatureFlag.All)
        {
            var value = config.Features[flag.Name];
            var note = flag.Note is null ? string.Empty : $"  ({flag.Note})";
            Row(context, "  " + flag.Name, value.Value ? "on" : "off", value.Source, ReachConfig.FeatureFlagsVariable, note);
        }

        if (!context.Quiet)
        {
            foreach (var warning in config.Warnings)
            {
                context.Environment.Error.WriteLine($"warning[{warning.Error.Code}]: {warning.Message}");
            }
        }

        context.Plain("next: set REACH_FEATURE_FLAGS=enable_sso,... or edit config.json (docs/CONFIG.md)");
        return 0;
    }

    // The password never reaches the screen: keep the scheme, host, port and database only.
    private static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "postgres" or "postgresql"
            ? $"{uri.Host}:{(uri.IsDefaultPort ? 5432 : uri.Port)}{uri.AbsolutePath}"
            : "connection string";

    private static void Row(CommandContext context, string key, string value, ConfigSource source, string? variable, string note = "")
    {
        var from = source switch
        {
            ConfigSource.Environment when variable is not null => "environment " + variable,
            ConfigSource.File => "file",
            _ => ConfigSources.Text(source),
        };
        context.Plain($"{Column(key, 27)}{Column(value)}{from}{note}");
    }

    // A value as wide as its column still has two spaces before the next one.
    private static string Column(string text, int width = 24) => text.Length + 2 > width ? text + "  " : text.PadRight(width);
}
