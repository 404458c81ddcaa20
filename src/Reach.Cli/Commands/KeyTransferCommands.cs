using Reach.Packs.Keys;

namespace Reach.Cli.Commands;

/// <summary><c>reach key import|export|trust|untrust</c>.</summary>
internal static class KeyTransferCommands
{
    public static void Add(Command key, CliEnvironment environment)
    {
        key.Subcommands.Add(Import(environment));
        key.Subcommands.Add(Export(environment));
        key.Subcommands.Add(Trust(environment));
        key.Subcommands.Add(Untrust(environment));
    }

    private static Command Import(CliEnvironment environment)
    {
        var file = new Argument<string>("file") { Description = "A secret key file written by `reach key export NAME`" };
        var name = new Option<string?>("--name") { Description = "Store it under this name instead of its own" };
        var command = new Command("import", "Import a secret key exported from another machine (it stays encrypted as it was).\n\nExample:\n  reach key import alice.key") { file, name };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var entry = KeyCommand.Store(environment).Import(ReadFile(parse.GetValue(file)!), parse.GetValue(name));
            return Report(context, entry, "imported");
        });
        return command;
    }

    private static Command Export(CliEnvironment environment)
    {
        var name = new Argument<string>("name") { Description = "The key's name or id" };
        var publicOnly = new Option<bool>("--public") { Description = "Export the public key, in minisign's format" };
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Export a key: the public key in minisign's format (--public), or the secret key file as stored.\n\nExample:\n  reach key export alice --public --out alice.pub") { name, publicOnly, output };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var store = KeyCommand.Store(environment);
            var isPublic = parse.GetValue(publicOnly);
            var text = isPublic ? store.ExportPublic(parse.GetValue(name)!) : store.ExportSecret(parse.GetValue(name)!);
            var path = parse.GetValue(output);
            if (path is not null)
            {
                WriteFile(path, text, secret: !isPublic);
            }

            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteBoolean("public", isPublic);
                    w.WriteString("text", text);
                    if (path is not null)
                    {
                        w.WriteString("file", Path.GetFullPath(path));
                    }
                });
            }
            else if (path is null)
            {
                environment.Output.Write(text);
            }
            else
            {
                context.Plain($"wrote {(isPublic ? "public" : "secret")} key to {Path.GetFullPath(path)}");
            }

            return 0;
        });
        return command;
    }

    private static Command Trust(CliEnvironment environment)
    {
        var file = new Argument<string>("file") { Description = "A minisign public key file (from `reach key export NAME --public` or `minisign -G`)" };
        var name = new Option<string?>("--name") { Description = "The name to show for this key (default: the name in its comment, or its id)" };
        var command = new Command("trust", "Trust a public key: packs it signed verify and install. Keys inside packs are never trusted.\n\nExample:\n  reach key trust alice.pub") { file, name };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var entry = KeyCommand.Store(environment).Trust(ReadFile(parse.GetValue(file)!), parse.GetValue(name));
            return Report(context, entry, "trusted");
        });
        return command;
    }

    private static Command Untrust(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The key's id or name" };
        var command = new Command("untrust", "Stop trusting a key; packs it signed no longer verify.\n\nExample:\n  reach key untrust 1F2E3D4C5B6A7980") { id };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var entry = KeyCommand.Store(environment).Untrust(parse.GetValue(id)!);
            return Report(context, entry, "untrusted");
        });
        return command;
    }

    private static int Report(CommandContext context, KeyEntry entry, string what)
    {
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", true);
                w.WriteStartObject("key");
                KeyCommand.WriteKey(w, entry);
                w.WriteEndObject();
            });
        }
        else
        {
            context.Plain($"{what} key {entry.Name} ({entry.Id})");
        }

        return 0;
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ReachException(ErrorCatalog.InputFileNotFound, $"No key file at '{path}'.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.KeyFileInvalid, $"The key file '{path}' cannot be read: {ex.Message}");
        }
    }

    private static void WriteFile(string path, string text, bool secret)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (secret && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(Encoding.UTF8.GetBytes(text));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.IoFailed, $"'{path}' cannot be written: {ex.Message}");
        }
    }
}
