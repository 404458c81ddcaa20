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
        command.SetAction(parse => Show(root, parse.GetValue(names) ?? [], environment));
        return command;
    }

    /// <summary>Prints the help of the command at <paramref name="path"/> (the root when empty); an unknown name is REACH-9003 with a suggestion.</summary>
    public static int Show(RootCommand root, string[] path, CliEnvironment environment)
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

        return root.Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = environment.Output, Error = environment.Error, EnableDefaultExceptionHandler = false });
    }
}
