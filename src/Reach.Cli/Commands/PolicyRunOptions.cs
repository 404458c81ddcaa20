using Reach.Core.Gates;
using Reach.Policy;
using Reach.Policy.Compilation;
using Reach.Configuration;

namespace Reach.Cli.Commands;

/// <summary>The policy a run or replay uses: a compiled bundle with its path and mode, or Core's declared-tools gate.</summary>
/// <param name="Gate">The gate to hand the session.</param>
/// <param name="Path">The bundle's full path, or null for Core's gate.</param>
/// <param name="Mode">enforce or warn, or null for Core's gate.</param>
internal sealed record PolicySelection(IPolicyGate Gate, string? Path, string? Mode)
{
    /// <summary>Core's gate: declared tools and permissions only.</summary>
    public static PolicySelection Default { get; } = new(DeclaredToolsPolicyGate.Instance, null, null);
}

/// <summary>The <c>--policy</c> and <c>--policy-mode</c> options of <c>reach run</c> and <c>reach replay</c>.</summary>
internal static class PolicyRunOptions
{
    public static Option<string?> Policy { get; } = new("--policy") { Description = "Gate every call with this policy bundle (docs/POLICY_GATE.md)" };

    public static Option<string?> Mode { get; } = new("--policy-mode") { Description = "enforce (default) or warn: record what the policy would deny and allow it; also REACH_POLICY_MODE or policy_mode in config.json" };

    public static void Add(Command command)
    {
        command.Options.Add(Policy);
        command.Options.Add(Mode);
    }

    /// <summary>Compiles the bundle the options (or <paramref name="fallbackPath"/> and <paramref name="fallbackMode"/>) name; fails before anything is written.</summary>
    public static PolicySelection Resolve(ParseResult parse, CommandContext context, string? fallbackPath = null, string? fallbackMode = null)
    {
        var path = parse.GetValue(Policy) ?? fallbackPath;
        if (path is null)
        {
            return PolicySelection.Default;
        }

        // The option, then (replaying with the recorded bundle) the recorded mode, then REACH_POLICY_MODE or config.json's
        // policy_mode, then the recorded mode, then enforce.
        var configured = context.Config.PolicyMode is { Source: not ConfigSource.Default } setting ? setting.Value : null;
        var modeText = parse.GetValue(Mode) ?? (parse.GetValue(Policy) is null ? fallbackMode : null) ?? configured ?? fallbackMode ?? "enforce";
        var mode = PolicyModes.Parse(modeText);
        var full = System.IO.Path.GetFullPath(path);
        var bundle = PolicyCompiler.LoadFile(full);
        return new PolicySelection(new PolicyGate(bundle, mode), full, PolicyModes.Name(mode));
    }
}
