using Reach.Packs.Registry;

namespace Reach.Cli.Commands;

/// <summary><c>reach registry add|list|remove</c>: the file-based registries packs are published to and installed from.</summary>
internal static class RegistryCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var registry = new Command("registry", "Manage pack registries: directories or local git repositories with an index.json.\n\nExample:\n  reach registry add team /srv/reach-registry");
        registry.Subcommands.Add(Add(environment));
        registry.Subcommands.Add(List(environment));
        registry.Subcommands.Add(Remove(environment));
        return registry;
    }

    private static RegistryConfig Config(CliEnvironment environment) => new(new ReachHome(environment.Home).RegistriesFile);

    private static Command Add(CliEnvironment environment)
    {
        var name = new Argument<string>("name") { Description = "A local name for the registry" };
        var path = new Argument<string>("path") { Description = "A directory (created when missing) or a local git repository" };
        var type = new Option<string?>("--type") { Description = "dir or git (default: git when the path is a git repository)" };
        var command = new Command("add", "Add a registry.\n\nExample:\n  reach registry add team ./registry") { name, path, type };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var entry = Config(environment).Add(parse.GetValue(name)!, parse.GetValue(path)!, parse.GetValue(type));
            return Report(context, entry, "added");
        });
        return command;
    }

    private static Command List(CliEnvironment environment)
    {
        var command = new Command("list", "List the registries, in search order.\n\nExample:\n  reach registry list");
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var registries = Config(environment).List();
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteStartArray("registries");
                    foreach (var entry in registries)
                    {
                        w.WriteStartObject();
                        Write(w, entry);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return 0;
            }

            if (registries.Count == 0)
            {
                context.Plain("no registries yet");
                context.Plain($"next: {context.Invoked} registry add NAME PATH");
            }

            foreach (var entry in registries)
            {
                context.Plain($"{entry.Name,-16}{entry.Type,-5}{entry.Path}");
            }

            return 0;
        });
        return command;
    }

    private static Command Remove(CliEnvironment environment)
    {
        var name = new Argument<string>("name") { Description = "The registry's name" };
        var command = new Command("remove", "Forget a registry (its files stay where they are).\n\nExample:\n  reach registry remove team") { name };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            return Report(context, Config(environment).Remove(parse.GetValue(name)!), "removed");
        });
        return command;
    }

    private static int Report(CommandContext context, RegisteredRegistry entry, string what)
    {
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", true);
                w.WriteStartObject("registry");
                Write(w, entry);
                w.WriteEndObject();
            });
        }
        else
        {
            context.Plain($"{what} registry {entry.Name} ({entry.Type}) {entry.Path}");
        }

        return 0;
    }

    private static void Write(Utf8JsonWriter w, RegisteredRegistry entry)
    {
        w.WriteString("name", entry.Name);
        w.WriteString("type", entry.Type);
        w.WriteString("path", entry.Path);
    }
}
