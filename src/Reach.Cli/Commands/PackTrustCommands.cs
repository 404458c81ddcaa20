namespace Reach.Cli.Commands;

/// <summary><c>reach pack sign</c>, <c>verify</c>, <c>publish</c>, <c>search</c> and <c>install</c>.</summary>
internal static class PackTrustCommands
{
    public static void Add(Command pack, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(pack);
        pack.Subcommands.Add(PackSignCommand.Create(environment));
        pack.Subcommands.Add(PackVerifyCommand.Create(environment));
        pack.Subcommands.Add(PackPublishCommand.Create(environment));
        pack.Subcommands.Add(PackSearchCommand.Create(environment));
        pack.Subcommands.Add(PackInstallCommand.Create(environment));
    }
}
