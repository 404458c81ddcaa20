namespace Reach.Configuration;

/// <summary>Where an effective setting came from; later sources win: default, then file, then environment, then flag.</summary>
internal enum ConfigSource
{
    /// <summary>Reach's built-in default.</summary>
    Default,

    /// <summary><c>REACH_HOME/config.json</c>.</summary>
    File,

    /// <summary>An environment variable.</summary>
    Environment,

    /// <summary>A command-line option of the command that reads the configuration.</summary>
    Flag,
}

/// <summary>The names sources have in <c>reach config show</c> and <c>GET /v1/features</c>.</summary>
internal static class ConfigSources
{
    public static string Text(ConfigSource source) => source switch
    {
        ConfigSource.File => "file",
        ConfigSource.Environment => "environment",
        ConfigSource.Flag => "flag",
        _ => "default",
    };
}

/// <summary>One effective value and where it came from.</summary>
internal sealed record ConfigValue<T>(T Value, ConfigSource Source);

/// <summary>Something in the configuration Reach ignores (an unknown flag or key): reported, never fatal.</summary>
internal sealed record ConfigWarning(Reach.Core.Errors.ErrorCode Error, string Message);
