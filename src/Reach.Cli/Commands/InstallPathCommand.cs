namespace Reach.Cli.Commands;

/// <summary>
/// <c>./reach install-path [--dir DIR]</c>: links the checkout's <c>./reach</c> script into a directory on PATH
/// (default <c>~/.local/bin</c>), so that <c>reach</c> runs it from anywhere. Running it again changes nothing.
/// </summary>
internal static class InstallPathCommand
{
    /// <summary>Set by the <c>./reach</c> script to its own path.</summary>
    public const string ScriptVariable = "REACH_SCRIPT";

    public static Command Create(CliEnvironment environment)
    {
        var dir = new Option<string?>("--dir") { Description = "The directory on PATH to link reach into (default: ~/.local/bin)" };
        var command = new Command("install-path", "Put reach on PATH: link this checkout's ./reach script into a directory on PATH (idempotent).\n\nExample:\n  ./reach install-path\n  ./reach install-path --dir /usr/local/bin")
        {
            dir,
        };
        command.SetAction(parse => Execute(new CommandContext(parse, environment), parse.GetValue(dir)));
        return command;
    }

    private static int Execute(CommandContext context, string? dir)
    {
        var script = context.Environment.Get(ScriptVariable)
            ?? throw new ReachException(ErrorCatalog.InstallPathNoScript, "This reach was not started by a checkout's ./reach script, so there is nothing to link.");
        var home = context.Environment.Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var directory = Path.GetFullPath(dir ?? Path.Combine(home, ".local", "bin"));
        var link = Path.Combine(directory, "reach");
        bool changed;
        try
        {
            Directory.CreateDirectory(directory);
            var existing = new FileInfo(link);
            if (existing.LinkTarget is { } target)
            {
                if (!string.Equals(Path.GetFullPath(target, directory), script, StringComparison.Ordinal))
                {
                    throw new ReachException(ErrorCatalog.InstallPathTaken, $"'{link}' links to '{target}', not to '{script}'.");
                }

                changed = false;
            }
            else if (existing.Exists || Directory.Exists(link))
            {
                throw new ReachException(ErrorCatalog.InstallPathTaken, $"'{link}' exists and is not a link to '{script}'.");
            }
            else
            {
                File.CreateSymbolicLink(link, script);
                changed = true;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.IoFailed, $"'{link}' cannot be created: {ex.Message}");
        }

        var onPath = (context.Environment.Get("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(p => string.Equals(Path.TrimEndingDirectorySeparator(p), Path.TrimEndingDirectorySeparator(directory), StringComparison.Ordinal));
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", true);
                w.WriteString("link", link);
                w.WriteString("target", script);
                w.WriteBoolean("changed", changed);
                w.WriteBoolean("on_path", onPath);
            });
            return 0;
        }

        context.Plain(changed ? $"✓ linked {link} -> {script}" : $"✓ already linked: {link} -> {script} (no changes)");
        context.Plain(onPath
            ? "next: reach version"
            : $"{directory} is not on PATH: add  export PATH=\"{directory}:$PATH\"  to your shell's profile, then: reach version");
        return 0;
    }
}
