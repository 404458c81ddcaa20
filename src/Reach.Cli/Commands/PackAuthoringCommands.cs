namespace Reach.Cli.Commands;

/// <summary><c>reach pack validate</c> and <c>reach pack init</c>.</summary>
internal static class PackAuthoringCommands
{
    public static void Add(Command pack, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(pack);
        pack.Subcommands.Add(PackValidateCommand.Create(environment));
        pack.Subcommands.Add(PackInitCommand.Create(environment));
    }
}
