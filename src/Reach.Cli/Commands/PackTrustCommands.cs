namespace Reach.Cli.Commands;

/// <summary><c>reach pack sign</c>, <c>verify</c>, <c>publish</c>, <c>search</c> and <c>install</c>.</summary>
internal static class PackTrustCommands
{
    public static void Add(Command pack, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(pack);
        _ = environment;
    }
}
