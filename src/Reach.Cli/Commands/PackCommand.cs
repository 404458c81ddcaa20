namespace Reach.Cli.Commands;

/// <summary><c>reach pack …</c>: authoring commands (validate, init) and trust commands (sign, verify, publish, search, install).</summary>
internal static class PackCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var pack = new Command("pack", "Validate, create, sign, verify, publish, search and install packs.\n\nExample:\n  reach pack validate examples/packs/hello");
        PackAuthoringCommands.Add(pack, environment);
        PackTrustCommands.Add(pack, environment);
        return pack;
    }
}
