using Reach.Packs.Templates;

namespace Reach.Cli.Commands;

/// <summary><c>reach pack init &lt;name&gt;</c>: writes a new pack from a template; never overwrites.</summary>
internal static class PackInitCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var name = new Argument<string>("name") { Description = "The new pack's name: lowercase letters, digits and '-'" };
        var template = new Option<string>("--template", "-t") { Description = "The template (default minimal)", DefaultValueFactory = _ => "minimal" };
        var directory = new Option<string?>("--dir", "-d") { Description = "The directory to create (default ./<name>); it must not exist" };
        var templates = new StringBuilder();
        foreach (var t in PackTemplates.All)
        {
            templates.Append(CultureInfo.InvariantCulture, $"\n  {t.Name,-20} {t.Summary}");
        }

        var command = new Command("init", $"Create a new pack from a template. It passes `reach pack validate`, runs, verifies and replays as written.\n\nTemplates:{templates}\n\nExample:\n  reach pack init my-pack --template files-and-processes")
        {
            name, template, directory,
        };
        command.SetAction((parse, _) => ExecuteAsync(new CommandContext(parse, environment), parse.GetValue(name)!, parse.GetValue(template)!, parse.GetValue(directory)));
        return command;
    }

    private static async Task<int> ExecuteAsync(CommandContext context, string name, string template, string? directory)
    {
        var target = directory ?? name;
        var created = await PackTemplates.CreateAsync(name, template, target).ConfigureAwait(false);
        var packPath = created.Template.PackFolder.Length == 0 ? target : Path.Combine(target, created.Template.PackFolder);
        context.Timing($"wrote {created.Files.Count} files");
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", true);
                w.WriteString("name", name);
                w.WriteString("template", created.Template.Name);
                w.WriteString("dir", created.Directory);
                w.WriteString("pack_dir", created.PackDirectory);
                w.WriteStartArray("files");
                foreach (var file in created.Files)
                {
                    w.WriteStringValue(file);
                }

                w.WriteEndArray();
            });
            return 0;
        }

        context.Line($"[green]✓ created[/] [bold]{CommandContext.Escape(name)}[/] from the {CommandContext.Escape(created.Template.Name)} template  [grey]{Plural.Of(created.Files.Count, "file")}[/]");
        foreach (var file in created.Files)
        {
            context.Plain($"  {Path.Combine(target, file)}");
        }

        if (created.Template.RecordsTranscript)
        {
            context.Plain($"test: sh {Path.Combine(target, "tests", "replay.sh")}   ({context.Invoked} verify + {context.Invoked} replay of the recorded transcript)");
        }

        context.Plain($"next: {context.Invoked} pack validate {packPath} && {context.Invoked} run {packPath}");
        return 0;
    }
}
