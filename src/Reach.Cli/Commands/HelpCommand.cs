namespace Reach.Cli.Commands;

/// <summary><c>reach help [command…]</c>, and bare <c>reach</c>: the help of reach or of the named command.</summary>
internal static class HelpCommand
{
    public static Command Create(RootCommand root, CliEnvironment environment)
    {
        var names = new Argument<string[]>("command") { Description = "The command to describe, e.g. run or pack validate", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("help", "Show the help of reach, or of a command.\n\nExample:\n  reach help\n  reach help run\n  reach help pack validate")
        {
            names,
        };
        command.SetAction(parse => Show(root, parse.GetValue(names) ?? [], environment, parse.GetValue(GlobalOptions.Json)));
        return command;
    }

    /// <summary>Prints the help of the command at <paramref name="path"/> (the root when empty); an unknown name is REACH-9003 with a suggestion.</summary>
    public static int Show(RootCommand root, string[] path, CliEnvironment environment, bool json = false)
    {
        // Walked by hand: with --help present the parser shows the nearest known command's help instead of failing.
        Command current = root;
        var walked = "reach";
        foreach (var name in path)
        {
            current = current.Subcommands.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name))
                ?? throw new ReachException(ErrorCatalog.Usage, CommandSuggestion.Nearest(name, current.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)) is { } nearest
                    ? $"'{name}' is not a command of `{walked}`; did you mean `{walked} {nearest}`?"
                    : $"'{name}' is not a command of `{walked}`; `reach help{walked["reach".Length..]}` lists them.");
            walked += " " + name;
        }

        if (!json)
        {
            return root.Parse([.. path, "--help"]).Invoke(ReachApp.Invocation(environment));
        }

        // --json asks for one JSON document: the help text inside it.
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var captured = new CliEnvironment(text, environment.Error, environment.Input, environment.Variables, environment.Interactive);
        var exit = root.Parse([.. path, "--help"]).Invoke(ReachApp.Invocation(captured));
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WriteString("command", walked);
            w.WriteString("help", text.ToString());
            w.WriteEndObject();
        }

        environment.Output.Write(Encoding.UTF8.GetString(stream.ToArray()));
        environment.Output.Write('\n');
        return exit;
    }
}
