namespace Reach.Cli.Commands;

/// <summary>
/// What <c>reach run</c> takes from the packs work: a pack named by its installed name, and <c>--require-signed</c>
/// (or REACH_REQUIRE_SIGNED, or <c>require_signed</c> in config.json), which refuses an unsigned or untrusted pack before it is loaded.
/// </summary>
internal static class PackVerifyRunOption
{
    public static readonly Option<bool> RequireSigned = new("--require-signed") { Description = "Refuse the pack unless it is signed by a key you trust (also REACH_REQUIRE_SIGNED=1 or require_signed in config.json)" };

    public static void Add(Command command) => command.Options.Add(RequireSigned);

    /// <summary>The pack's directory (an installed pack's name resolves to its directory), verified when signing is required.</summary>
    public static string Resolve(ParseResult parse, CommandContext context, string pack)
    {
        var home = new ReachHome(context.Environment.Home);
        // The configuration is read before the option is looked at, so a malformed config.json stops every run.
        var required = context.Config.RequireSigned.Value;
        var directory = PackInstallCommand.ResolveInstalled(home, pack);
        if (parse.GetValue(RequireSigned) || required)
        {
            var verified = PackVerifyCommand.RequireSigned(home, directory);
            context.Timing($"signature verified: {verified.Name}@{verified.Version} by {verified.Signer} ({verified.KeyId})");
        }

        return directory;
    }
}
