namespace Reach.Cli.Commands;

/// <summary><c>reach runs</c>: the runs recorded under REACH_HOME, newest first.</summary>
internal static class RunsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var limit = new Option<int>("--limit", "-n") { Description = "Show at most this many runs", DefaultValueFactory = _ => 20 };
        var command = new Command("runs", "List past runs in REACH_HOME with their status and fingerprint.\n\nExample:\n  reach runs --limit 5")
        {
            limit,
        };
        command.SetAction(parse => Execute(new CommandContext(parse, environment), parse.GetValue(limit)));
        return command;
    }

    private static int Execute(CommandContext context, int limit)
    {
        if (limit < 1)
        {
            throw new ReachException(ErrorCatalog.Usage, "--limit must be at least 1.");
        }

        var entries = new ReachHome(context.Environment.Home).List()
            .OrderByDescending(e => e.StartedAt, StringComparer.Ordinal)
            .ThenBy(e => e.RunId, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", true);
                w.WriteStartArray("runs");
                foreach (var e in entries)
                {
                    w.WriteStartObject();
                    w.WriteString("run_id", e.RunId);
                    w.WriteString("pack", e.Pack);
                    w.WriteString("version", e.Version);
                    w.WriteString("status", e.Status);
                    if (e.Code is not null)
                    {
                        w.WriteString("code", e.Code);
                    }

                    w.WriteString("fingerprint", e.Fingerprint);
                    w.WriteString("transcript", e.Transcript);
                    w.WriteString("started_at", e.StartedAt);
                    w.WriteNumber("events", e.Events);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
            return 0;
        }

        if (!context.Human)
        {
            return 0;
        }

        if (entries.Count == 0)
        {
            context.Line($"No runs in {CommandContext.Escape(context.Environment.Home)} yet. Try: {context.Invoked} run examples/packs/hello");
            return 0;
        }

        // Plain lines, never wrapped: a run id is copied whole into `reach verify`. Off a terminal, one line per run.
        var rows = entries.Select(e => new[]
        {
            e.RunId,
            $"{e.Pack}@{e.Version}",
            e.Code is null ? e.Status : $"{e.Status} {e.Code}",
            e.Events.ToString(CultureInfo.InvariantCulture),
            e.Fingerprint is null ? "-" : e.Fingerprint[..Math.Min(23, e.Fingerprint.Length)] + "…",
            e.StartedAt[..Math.Min(19, e.StartedAt.Length)],
        }).ToList();
        string[] header = ["run id", "pack", "status", "events", "fingerprint", "started"];
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Append(header).Max(r => r[i].Length)).ToArray();
        if (context.Environment.Interactive)
        {
            context.Plain(Row(header, widths));
        }

        foreach (var row in rows)
        {
            context.Plain(Row(row, widths));
        }

        return 0;
    }

    private static string Row(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => i == cells.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd();
}
