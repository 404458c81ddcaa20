using System.CommandLine.Parsing;

namespace Reach.Cli;

/// <summary>
/// Turns "Unrecognized command or argument 'rn'" into one line naming the nearest command (System.CommandLine 2.0's
/// typo corrections print their own text, outside the coded REACH-9003 error).
/// </summary>
internal static class CommandSuggestion
{
    /// <summary>The message for an unknown subcommand of the parsed command, or null when the errors are about something else.</summary>
    public static string? Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (command.Subcommands.Count == 0 || command.Arguments.Count > 0)
        {
            return null;
        }

        var typed = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
        if (typed is null)
        {
            return null;
        }

        var path = CommandPath(parse.CommandResult);
        var nearest = Nearest(typed, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        return nearest is null
            ? $"'{typed}' is not a command of `{path}`; `{HelpFor(path)}` lists them."
            : $"'{typed}' is not a command of `{path}`; did you mean `{path} {nearest}`?";
    }

    /// <summary>The candidate closest to <paramref name="typed"/> by edit distance, if close enough to be a typo.</summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = candidate.StartsWith(typed, StringComparison.OrdinalIgnoreCase) && typed.Length >= 3 ? 1 : Distance(typed.ToLowerInvariant(), candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // Two edits at most, and fewer than the word has letters: "rn" is run, "xy" is nothing.
        return bestDistance <= Math.Min(2, Math.Max(1, typed.Length - 1)) ? best : null;
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
        {
            if (c.Command is not RootCommand)
            {
                names.Insert(0, c.Command.Name);
            }
        }

        return string.Join(' ', ["reach", .. names]);
    }

    private static string HelpFor(string path) => path == "reach" ? "reach help" : "reach help" + path["reach".Length..];
}
