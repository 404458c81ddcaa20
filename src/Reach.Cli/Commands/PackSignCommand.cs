using Reach.Packs.Signing;

namespace Reach.Cli.Commands;

/// <summary><c>reach pack sign &lt;dir&gt;</c>: writes pack.digest and its minisign signature pack.digest.minisig.</summary>
internal static class PackSignCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var dir = new Argument<string>("dir") { Description = "The pack directory" };
        var key = new Option<string?>("--key", "-k") { Description = "The signing key's name or id (default: the default key)" };
        var command = new Command("sign", "Sign a pack: writes pack.digest (every file and its SHA-256) and pack.digest.minisig, a minisign signature whose trusted comment binds the pack's name and version to its digest.\n\nExample:\n  reach pack sign examples/packs/hello --key alice")
        {
            dir, key,
        };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var directory = Path.GetFullPath(parse.GetValue(dir)!);
            // Before the passphrase prompt: a pack that validate rejects is never signed.
            Reach.Packs.Validation.PackAdmission.Require(directory, "signed");
            var store = KeyCommand.Store(environment);
            using var signingKey = store.Open(parse.GetValue(key), name => KeyPassphrase.Read(context, name, confirm: false));
            var statement = PackSigner.Sign(directory, signingKey);
            context.Timing("signed");
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteString("name", statement.Name);
                    w.WriteString("version", statement.Version);
                    w.WriteString("digest", statement.Digest.ToString());
                    w.WriteString("key_id", signingKey.Id.ToString());
                    w.WriteString("signer", signingKey.Name);
                    w.WriteString("listing", PackSignatureFiles.ListingPath(directory));
                    w.WriteString("signature", PackSignatureFiles.SignaturePath(directory));
                });
            }
            else
            {
                context.Line($"[green]signed[/] {CommandContext.Escape(statement.Name)}@{CommandContext.Escape(statement.Version)} with {CommandContext.Escape(signingKey.Name)} ({signingKey.Id})");
                context.Plain($"digest       {statement.Digest}");
                context.Plain($"signature    {PackSignatureFiles.SignaturePath(directory)}");
                context.Plain($"next: {context.Invoked} pack verify {parse.GetValue(dir)}   or   minisign -Vm {PackSignatureFiles.ListingPath(directory)} -p {signingKey.Name}.pub");
            }

            return 0;
        });
        return command;
    }
}
