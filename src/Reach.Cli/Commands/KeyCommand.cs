using Reach.Packs.Keys;

namespace Reach.Cli.Commands;

/// <summary><c>reach key generate|list|import|export|trust|untrust</c>: signing keys and the trust store under REACH_HOME/keys.</summary>
internal static class KeyCommand
{
    private const string UnencryptedWarning = "the secret key is stored unencrypted; anyone who can read it can sign as you. Use this for CI keys only.";

    public static Command Create(CliEnvironment environment)
    {
        var key = new Command("key", "Manage signing keys and the keys you trust (REACH_HOME/keys).\n\nExample:\n  reach key generate --name alice\n  reach key export alice --public --out alice.pub");
        key.Subcommands.Add(Generate(environment));
        key.Subcommands.Add(List(environment));
        KeyTransferCommands.Add(key, environment);
        return key;
    }

    public static KeyStore Store(CliEnvironment environment) => new(new ReachHome(environment.Home).Keys);

    public static void WriteKey(Utf8JsonWriter w, KeyEntry entry)
    {
        w.WriteString("id", entry.Id.ToString());
        w.WriteString("name", entry.Name);
        w.WriteBoolean("secret", entry.HasSecret);
        w.WriteBoolean("trusted", entry.Trusted);
        w.WriteBoolean("default", entry.IsDefault);
        w.WriteBoolean("encrypted", entry.Encrypted);
    }

    private static Command Generate(CliEnvironment environment)
    {
        var name = new Option<string?>("--name") { Description = "The key's local name (default: main, or the key id when main exists)" };
        var unencrypted = new Option<bool>("--unencrypted") { Description = "Store the secret key without a passphrase (for CI keys; anyone who reads the file can sign)" };
        var makeDefault = new Option<bool>("--default") { Description = "Make it the key `reach pack sign` uses without --key" };
        var command = new Command("generate", "Generate an Ed25519 signing key; its secret half is encrypted with a passphrase (REACH_KEY_PASSPHRASE or a prompt).\n\nExample:\n  reach key generate --name alice")
        {
            name, unencrypted, makeDefault,
        };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var store = Store(environment);
            var keyName = parse.GetValue(name);
            string? passphrase = null;
            if (parse.GetValue(unencrypted))
            {
                if (context.Human)
                {
                    environment.Error.WriteLine("warning: " + UnencryptedWarning);
                }
            }
            else
            {
                passphrase = KeyPassphrase.Read(context, keyName ?? "main", confirm: true);
            }

            var entry = store.Generate(keyName, passphrase);
            if (parse.GetValue(makeDefault))
            {
                store.SetDefault(entry.Name);
                entry = entry with { IsDefault = true };
            }

            var publicKey = store.ExportPublic(entry.Name);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteStartObject("key");
                    WriteKey(w, entry);
                    w.WriteEndObject();
                    w.WriteString("public_key", MinisignPublicKey.Parse(publicKey, out _).ToBase64());
                    if (!entry.Encrypted)
                    {
                        w.WriteStartArray("warnings");
                        w.WriteStringValue(UnencryptedWarning);
                        w.WriteEndArray();
                    }
                });
            }
            else
            {
                context.Line($"[green]generated[/] key [bold]{CommandContext.Escape(entry.Name)}[/] ({entry.Id}){(entry.IsDefault ? ", the default signing key" : "")}{(entry.Encrypted ? "" : ", [yellow]unencrypted[/]")}");
                context.Plain($"public key   {MinisignPublicKey.Parse(publicKey, out _).ToBase64()}");
                context.Plain($"next: {context.Invoked} key export {entry.Name} --public --out {entry.Name}.pub   (give this file to those who verify your packs)");
            }

            return 0;
        });
        return command;
    }

    private static Command List(CliEnvironment environment)
    {
        var command = new Command("list", "List your signing keys and the keys you trust, with ids and which one signs by default.\n\nExample:\n  reach key list");
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var keys = Store(environment).List();
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteStartArray("keys");
                    foreach (var entry in keys)
                    {
                        w.WriteStartObject();
                        WriteKey(w, entry);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return 0;
            }

            if (keys.Count == 0)
            {
                context.Plain("no keys yet");
                context.Plain($"next: {context.Invoked} key generate   or   {context.Invoked} key trust AUTHOR.pub");
                return 0;
            }

            context.Plain(string.Create(CultureInfo.InvariantCulture, $"{"id",-18}{"name",-20}{"kind",-10}{"trusted",-9}default"));
            foreach (var entry in keys)
            {
                var kind = entry.HasSecret ? (entry.Encrypted ? "secret" : "secret!") : "public";
                context.Plain(string.Create(CultureInfo.InvariantCulture, $"{entry.Id,-18}{entry.Name,-20}{kind,-10}{(entry.Trusted ? "yes" : "no"),-9}{(entry.IsDefault ? "*" : "")}"));
            }

            return 0;
        });
        return command;
    }
}
