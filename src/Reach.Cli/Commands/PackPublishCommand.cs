using Reach.Packs.Keys;
using Reach.Packs.Registry;

namespace Reach.Cli.Commands;

/// <summary><c>reach pack publish &lt;dir&gt; --registry NAME</c>.</summary>
internal static class PackPublishCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var dir = new Argument<string>("dir") { Description = "The signed pack directory" };
        var registry = new Option<string>("--registry", "-r") { Description = "The registry's name (`reach registry list`)", Required = true };
        var command = new Command("publish", "Publish a signed pack to a registry: a directory, or a local git repository (committed). A published version never changes.\n\nExample:\n  reach pack publish examples/packs/hello --registry team")
        {
            dir, registry,
        };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var home = new ReachHome(environment.Home);
            var target = new RegistryConfig(home.RegistriesFile).Get(parse.GetValue(registry)!);
            var directory = Path.GetFullPath(parse.GetValue(dir)!);
            Reach.Packs.Validation.PackAdmission.Require(directory, "published");
            var entry = PackPublisher.Publish(directory, target.Open(), new KeyStore(home.Keys).Trusted());
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteString("registry", target.Name);
                    w.WriteString("name", entry.Name);
                    w.WriteString("version", entry.Version);
                    w.WriteString("digest", entry.Digest);
                    w.WriteString("key_id", entry.KeyId);
                    w.WriteString("archive", entry.Archive);
                    w.WriteNumber("size", entry.Size);
                });
            }
            else
            {
                context.Line($"[green]published[/] {CommandContext.Escape(entry.Name)}@{CommandContext.Escape(entry.Version)} to {CommandContext.Escape(target.Name)} ({target.Type})");
                context.Plain($"digest       {entry.Digest}");
                context.Plain($"next: {context.Invoked} pack install {entry.Name}@{entry.Version}");
            }

            return 0;
        });
        return command;
    }
}
