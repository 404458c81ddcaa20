using Reach.Packs.Signing;

namespace Reach.Cli.Commands;

/// <summary><c>reach pack verify &lt;dir&gt;</c>: recomputes the digest and checks the signature against the local trust store, offline.</summary>
internal static class PackVerifyCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var dir = new Argument<string>("dir") { Description = "The pack directory, or the name of an installed pack" };
        var command = new Command("verify", "Verify a signed pack offline: recompute its digest and check its signature against the keys you trust (never a key inside the pack).\n\nExample:\n  reach pack verify examples/packs/hello") { dir };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var home = new ReachHome(environment.Home);
            var directory = PackInstallCommand.ResolveInstalled(home, parse.GetValue(dir)!);
            var verified = Verify(home, directory);
            context.Timing("verified");
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteString("name", verified.Name);
                    w.WriteString("version", verified.Version);
                    w.WriteString("digest", verified.Digest.ToString());
                    w.WriteString("key_id", verified.KeyId.ToString());
                    w.WriteString("signer", verified.Signer);
                    w.WriteBoolean("cached", verified.Cached);
                });
            }
            else
            {
                context.Line($"[green]verified[/] {CommandContext.Escape(verified.Name)}@{CommandContext.Escape(verified.Version)}, signed by [bold]{CommandContext.Escape(verified.Signer)}[/] ({verified.KeyId})");
                context.Plain($"digest       {verified.Digest}");
            }

            return 0;
        });
        return command;
    }

    /// <summary>Verifies a pack directory against REACH_HOME's trust store and signature cache.</summary>
    public static PackVerification Verify(ReachHome home, string directory) =>
        PackVerifier.Verify(directory, new Packs.Keys.KeyStore(home.Keys).Trusted(), new SignatureCache(home.SignatureCacheFile));

    /// <summary>For <c>reach run --require-signed</c>: refuses an unsigned or untrusted pack with its code.</summary>
    public static PackVerification RequireSigned(ReachHome home, string directory)
    {
        try
        {
            return Verify(home, directory);
        }
        catch (ReachException ex) when (ex.Error.Kind == ErrorKind.Negative)
        {
            throw new ReachException(ex.Error, $"{ex.Message} A signed pack from a trusted key is required (--require-signed, REACH_REQUIRE_SIGNED or require_signed in config.json).") { Details = ex.Details };
        }
    }
}
