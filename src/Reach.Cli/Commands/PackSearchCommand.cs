using Reach.Packs.Registry;

namespace Reach.Cli.Commands;

/// <summary><c>reach pack search [query]</c>.</summary>
internal static class PackSearchCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var query = new Argument<string>("query") { Description = "Text to find in names, descriptions and tags (empty: everything)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("search", "Search the registries' indexes by name, description and tags.\n\nExample:\n  reach pack search greeting") { query };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var registries = new RegistryConfig(new ReachHome(environment.Home).RegistriesFile).List().ConvertAll(r => r.Open());
            var hits = PackSearch.Search(registries, parse.GetValue(query) ?? "");
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteStartArray("results");
                    foreach (var hit in hits)
                    {
                        w.WriteStartObject();
                        w.WriteString("registry", hit.Registry);
                        w.WriteString("name", hit.Entry.Name);
                        w.WriteString("version", hit.Entry.Version);
                        w.WriteString("description", hit.Entry.Description);
                        w.WriteStartArray("tags");
                        foreach (var tag in hit.Entry.Tags)
                        {
                            w.WriteStringValue(tag);
                        }

                        w.WriteEndArray();
                        w.WriteString("digest", hit.Entry.Digest);
                        w.WriteString("key_id", hit.Entry.KeyId);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return 0;
            }

            if (hits.Count == 0)
            {
                context.Plain(registries.Count == 0 ? "no registries yet; add one with `reach registry add NAME PATH`" : "no pack matches");
                return 0;
            }

            foreach (var hit in hits)
            {
                var tags = hit.Entry.Tags.Count > 0 ? $"  [{string.Join(", ", hit.Entry.Tags)}]" : "";
                context.Plain($"{hit.Entry.Name}@{hit.Entry.Version,-12} {hit.Registry,-12} {hit.Entry.Description}{tags}");
            }

            context.Plain($"next: {context.Invoked} pack install {hits[0].Entry.Name}@{hits[0].Entry.Version}");
            return 0;
        });
        return command;
    }
}
