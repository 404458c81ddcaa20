using System.Diagnostics;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Reach.Cli.Commands;

namespace Reach.Cli;

/// <summary>Builds the <c>reach</c> command tree and runs one invocation; maps errors to exit codes.</summary>
internal static class ReachApp
{
    public static int Run(string[] args, CliEnvironment environment)
    {
        var clock = Stopwatch.StartNew();
        var root = Build(environment);
        // "@file" is ours (--input @inputs.json), not a System.CommandLine response file.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var exit = Invoke(parse, environment);

        // --verbose times every command, whatever it is: the total, after the command's own milestones.
        if (parse.GetValue(GlobalOptions.Verbose) && !parse.GetValue(GlobalOptions.Json))
        {
            var names = new List<string>();
            for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
            {
                names.Insert(0, result.Command is RootCommand ? "reach" : result.Command.Name);
            }

            environment.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalMilliseconds:F1} ms] {string.Join(' ', names)} exited {exit}"));
        }

        return exit;
    }

    private static int Invoke(ParseResult parse, CliEnvironment environment)
    {
        if (parse.Errors.Count > 0)
        {
            var message = CommandSuggestion.Describe(parse) ?? string.Join("; ", parse.Errors.Select(ParseErrorText.Describe).Distinct(StringComparer.Ordinal));
            var context = new CommandContext(parse, environment);
            return Fail(context, new ReachException(ErrorCatalog.Usage, message));
        }

        try
        {
            return parse.Invoke(ReachApp.Invocation(environment));
        }
        catch (ReachException ex)
        {
            return Fail(new CommandContext(parse, environment), ex);
        }
#pragma warning disable CA1031 // The last line of defence: an internal error becomes exit 70, never an unhandled crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Internal(new CommandContext(parse, environment), ex);
        }
    }

    internal static RootCommand Build(CliEnvironment environment)
    {
        var root = new RootCommand("Reach: every tool call of an agent declared, gated, recorded and provable.\n\nExamples:\n  reach run examples/packs/hello\n  reach verify ~/.reach/runs/<run id>.jsonl\n  reach replay ~/.reach/runs/<run id>.jsonl");
        root.Options.Add(GlobalOptions.Json);
        root.Options.Add(GlobalOptions.Quiet);
        root.Options.Add(GlobalOptions.Verbose);
        root.Options.Add(GlobalOptions.NoColor);
        root.Subcommands.Add(RunCommand.Create(environment));
        root.Subcommands.Add(RunsCommand.Create(environment));
        root.Subcommands.Add(VerifyCommand.Create(environment));
        root.Subcommands.Add(ReplayCommand.Create(environment));
        root.Subcommands.Add(CanonicalizeCommand.Create(environment));
        root.Subcommands.Add(VersionCommand.Create(environment));
        root.Subcommands.Add(DoctorCommand.Create(environment));
        root.Subcommands.Add(PackCommand.Create(environment));
        root.Subcommands.Add(PolicyCommand.Create(environment));
        root.Subcommands.Add(KeyCommand.Create(environment));
        root.Subcommands.Add(RegistryCommand.Create(environment));
        root.Subcommands.Add(ServeCommand.Create(environment));
        root.Subcommands.Add(ConfigCommand.Create(environment));
        root.Subcommands.Add(TokenCommand.Create(environment));
        root.Subcommands.Add(ConnectorCommand.Create(environment));
        root.Subcommands.Add(McpCommand.Create(environment));
        root.Subcommands.Add(InstallPathCommand.Create(environment));
        root.Subcommands.Add(HelpCommand.Create(root, environment));

        // On a terminal, help is laid out in the width we know without asking the console (see CliEnvironment.Width);
        // elsewhere it is not wrapped.
        foreach (var help in root.Options.Select(o => o.Action).OfType<HelpAction>())
        {
            help.MaxWidth = environment.Interactive ? environment.Width : int.MaxValue;
        }

        // Bare `reach` is a newcomer's first try: the help, not "Required command was not provided".
        root.SetAction(parse => HelpCommand.Show(root, [], environment, parse.GetValue(GlobalOptions.Json)));
        return root;
    }

    /// <summary>
    /// How a parse is invoked: our streams, our exception handling, and no Ctrl+C handler of the parser's: registering
    /// one sets a terminal up for key reading, which writes <c>ESC[?1h ESC=</c> to it (commands that serve handle
    /// SIGINT and SIGTERM themselves).
    /// </summary>
    internal static InvocationConfiguration Invocation(CliEnvironment environment) => new()
    {
        Output = environment.Output,
        Error = environment.Error,
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = null,
    };

    /// <summary>Renders an expected failure (no stack trace) and returns its exit code.</summary>
    public static int Fail(CommandContext context, ReachException error)
    {
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", false);
                WriteError(w, error.Error, error.Message, error.Details, error.Fix);
            });
        }
        else
        {
            context.Environment.Error.WriteLine($"error[{error.Code}]: {error.Message}");
            context.Environment.Error.WriteLine($"  fix: {error.Fix}");
        }

        return error.Error.ExitCode;
    }

    public static void WriteError(Utf8JsonWriter w, ErrorCode code, string message, IReadOnlyDictionary<string, object?>? details = null, string? fix = null)
    {
        w.WriteStartObject("error");
        w.WriteString("code", code.Code);
        w.WriteString("message", message);
        w.WriteString("fix", fix ?? code.Fix);
        if (details is { Count: > 0 })
        {
            w.WriteStartObject("details");
            foreach (var (key, value) in details.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                switch (value)
                {
                    case null:
                        w.WriteNull(key);
                        break;
                    case int i:
                        w.WriteNumber(key, i);
                        break;
                    case long l:
                        w.WriteNumber(key, l);
                        break;
                    default:
                        w.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                        break;
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static int Internal(CommandContext context, Exception ex)
    {
        var message = $"An internal error: {ex.GetType().Name}: {ex.Message}";
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", false);
                WriteError(w, ErrorCatalog.Internal, message);
            });
        }
        else
        {
            context.Environment.Error.WriteLine($"error[{ErrorCatalog.Internal.Code}]: {message}");
            context.Environment.Error.WriteLine(context.Verbose ? ex.ToString() : $"  fix: {ErrorCatalog.Internal.Fix}");
        }

        return ErrorCatalog.Internal.ExitCode;
    }
}
