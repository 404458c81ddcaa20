using Reach.Core;
using Reach.Core.Engine;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;
using Reach.Configuration;
using Spectre.Console;

namespace Reach.Cli.Commands;

/// <summary><c>reach run &lt;pack&gt;</c>: runs a pack through the gates and writes its transcript.</summary>
internal static class RunCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var pack = new Argument<string>("pack") { Description = "The pack directory (it holds pack.json), its pack.json, or an installed pack's name" };
        var input = new Option<string?>("--input", "-i") { Description = "The run's inputs: a JSON object, or @FILE to read one" };
        var output = new Option<string?>("--out", "-o") { Description = "Write the transcript here instead of REACH_HOME/runs/<run id>.jsonl" };
        var workspace = new Option<string?>("--workspace") { Description = "The directory file and process tools are confined to (default REACH_HOME/workspaces/<run id>)" };
        var force = new Option<bool>("--force") { Description = "Overwrite the --out file if it exists" };
        var fsync = new Option<int?>("--fsync-interval") { Description = "Milliseconds between fsyncs of the transcript while the run goes on (default 1000, or REACH_FSYNC_INTERVAL_MS, or fsync_interval_ms in config.json; 0 = every event)" };
        var command = new Command("run", "Run a pack: every tool call is gated by policy and budget and recorded in a hash-chained transcript.\n\nExample:\n  reach run examples/packs/hello --input '{\"name\":\"Ada\"}'")
        {
            pack, input, output, force, workspace, fsync,
        };
        PolicyRunOptions.Add(command);
        PackVerifyRunOption.Add(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var context = new CommandContext(parse, environment);
            var fsyncMs = parse.GetValue(fsync);
            if (fsyncMs < 0)
            {
                // The same rule and code as fsync_interval_ms in config.json and REACH_FSYNC_INTERVAL_MS.
                throw new ReachException(ErrorCatalog.ConfigValueInvalid, "--fsync-interval must be a whole number of milliseconds, 0 or more.");
            }

            var outPath = parse.GetValue(output);
            var overwrite = parse.GetValue(force);
            if (outPath is not null && !overwrite && File.Exists(outPath))
            {
                throw new ReachException(ErrorCatalog.OutputExists, $"'{outPath}' already exists; reach run does not overwrite a file unless --force is given.");
            }

            return ExecuteAsync(context, PackVerifyRunOption.Resolve(parse, context, PackDirectory(parse.GetValue(pack)!)), parse.GetValue(input), outPath, overwrite, parse.GetValue(workspace), fsyncMs, PolicyRunOptions.Resolve(parse, context), cancellationToken);
        });
        return command;
    }

    // A newcomer often names the manifest itself: its directory is the pack. Any other file is not a pack.
    private static string PackDirectory(string pack)
    {
        if (!File.Exists(pack))
        {
            return pack;
        }

        return Path.GetFileName(pack) == PackLoader.ManifestFile
            ? Path.GetDirectoryName(Path.GetFullPath(pack))!
            : throw new ReachException(ErrorCatalog.PackNotFound, $"'{pack}' is a file; reach run expects a pack's directory (the one holding pack.json), its pack.json, or an installed pack's name.");
    }

    // Ctrl+C cancels the token: the run stops at once and its transcript is sealed as failed with REACH-2240.
    private static async Task<int> ExecuteAsync(CommandContext context, string packPath, string? inputText, string? outPath, bool overwrite, string? workspacePath, int? fsyncMs, PolicySelection policy, CancellationToken cancellationToken)
    {
        var home = new ReachHome(context.Environment.Home);
        var pack = PackLoader.Load(packPath, ToolRegistry.BuiltIn.Names);
        Reach.Packs.Validation.PackAdmission.Require(packPath, "run");
        var inputs = RunInputs.Resolve(pack.Manifest, ReadInputs(inputText));
        context.Timing("pack loaded and inputs checked");
        home.Ensure();

        var (interval, source) = fsyncMs is { } option ? (option, ConfigSource.Flag) : (context.Config.FsyncIntervalMs.Value, context.Config.FsyncIntervalMs.Source);
        context.Timing($"transcript fsync interval {interval} ms ({ConfigSources.Text(source)})");
        string? transcriptPath = null;
        string? runId = null;
        var startedAt = DateTimeOffset.UtcNow;
        var live = context.Human && context.Environment.Interactive;
        var template = new SessionOptionsTemplate
        {
            OpenTranscript = id =>
            {
                runId = id;
                transcriptPath = Path.GetFullPath(outPath ?? home.TranscriptPath(id));
                return Open(transcriptPath, overwrite);
            },
            Effects = new LiveEffects(() => new Workspace(workspacePath ?? home.WorkspacePath(runId!))),
            Policy = policy.Gate,
            WriterOptions = new TranscriptWriterOptions { FsyncInterval = TimeSpan.FromMilliseconds(Math.Max(0, interval)) },
            Observer = context.Human ? progress => Render(context, progress, live) : null,
        };

        if (context.Human)
        {
            context.Line($"[bold]reach run[/] {CommandContext.Escape(pack.Manifest.Name)}@{CommandContext.Escape(pack.Manifest.Version)}  [grey]{Plural.Of(pack.Manifest.Steps.Count, "step")}, pack {pack.Digest.ToString()[..19]}…[/]");
        }

        using var interruption = new Interruption(cancellationToken);
        var result = await PackRun.ExecuteAsync(pack, inputs, template, interruption.Token).ConfigureAwait(false);
        context.Timing($"run finished ({Plural.Of(result.Events, "event")})");
        home.Save(new RunIndexEntry
        {
            RunId = result.RunId,
            Pack = pack.Manifest.Name,
            Version = pack.Manifest.Version,
            PackDir = pack.Directory,
            Status = RunSession.StatusText(result.Status),
            Code = result.Code?.Code,
            Fingerprint = result.Fingerprint.ToString(),
            Transcript = transcriptPath!,
            StartedAt = startedAt.ToString("O", CultureInfo.InvariantCulture),
            Events = result.Events,
            Policy = policy.Path,
            PolicyMode = policy.Mode,
        });

        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", result.Status == RunStatus.Succeeded);
                w.WriteString("run_id", result.RunId);
                w.WriteString("status", RunSession.StatusText(result.Status));
                w.WriteString("fingerprint", result.Fingerprint.ToString());
                w.WriteString("transcript", transcriptPath);
                w.WriteNumber("events", result.Events);
                w.WriteString("pack", pack.Manifest.Name);
                w.WriteString("version", pack.Manifest.Version);
                if (result.Output is { } value)
                {
                    w.WritePropertyName("output");
                    value.WriteTo(w);
                }

                if (result.Code is not null)
                {
                    w.WriteStartObject("stopped");
                    w.WriteString("code", result.Code.Code);
                    w.WriteString("reason", result.Reason);
                    w.WriteString("step", result.StepId);
                    if (result.Gate is not null)
                    {
                        w.WriteString("gate", result.Gate);
                    }

                    w.WriteStartArray("rules");
                    foreach (var rule in result.Rules)
                    {
                        w.WriteStringValue(rule);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }
            });
        }
        else
        {
            if (context.Human)
            {
                Summarize(context, result, transcriptPath!);
            }

            // A denied or failed run is an error like a failed verification: on stderr with its code and fix, --quiet or not.
            if (result.Code is { } code && result.Status != RunStatus.Succeeded)
            {
                context.Environment.Error.WriteLine($"error[{code.Code}]: the run {RunSession.StatusText(result.Status)} at step {result.StepId}: {result.Reason}");
                context.Environment.Error.WriteLine($"  fix: {code.Fix}");
            }
        }

        return result.Status == RunStatus.Succeeded ? 0 : 1;
    }

    private static FileStream Open(string path, bool overwrite)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (IOException ex)
        {
            throw new ReachException(ErrorCatalog.IoFailed, $"The transcript '{path}' cannot be created: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ReachException(ErrorCatalog.IoFailed, $"The transcript '{path}' cannot be created: {ex.Message}");
        }
    }

    // Inline text or @FILE; a file is read as bytes so that invalid UTF-8 is refused rather than turned into U+FFFD.
    private static JsonElement? ReadInputs(string? text)
    {
        if (text is null || !text.StartsWith('@'))
        {
            return RunInputs.ParseText(text);
        }

        var path = text[1..];
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.InputsFileNotFound, $"The inputs file '{path}' cannot be read: {ex.Message}");
        }

        return RunInputs.ParseUtf8(bytes);
    }

    private static void Render(CommandContext context, RunProgress progress, bool live)
    {
        if (!live)
        {
            context.Environment.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{progress.Seq,3}] {progress.Type,-16} {progress.Summary}"));
            return;
        }

        var step = CommandContext.Escape(progress.StepId);
        var tool = CommandContext.Escape(progress.Tool);
        switch (progress.Type)
        {
            case EventTypes.ToolResult:
                context.Console.MarkupLine($"  [green]✓[/] {step,-16} [grey]{tool}[/]");
                break;
            case EventTypes.ToolError:
                context.Console.MarkupLine($"  [red]✗[/] {step,-16} [grey]{tool}[/] [red]{CommandContext.Escape(progress.Summary)}[/]");
                break;
            case EventTypes.PolicyDecision or EventTypes.BudgetDecision when progress.Summary.Contains(" deny:", StringComparison.Ordinal):
                context.Console.MarkupLine($"  [yellow]⊘[/] {step,-16} [grey]{tool}[/] [yellow]denied[/]");
                break;
            default:
                break;
        }
    }

    private static void Summarize(CommandContext context, RunResult result, string transcriptPath)
    {
        var status = result.Status switch
        {
            RunStatus.Succeeded => "[green]succeeded[/]",
            RunStatus.Denied => "[yellow]denied[/]",
            _ => "[red]failed[/]",
        };
        context.Line($"status       {status}");
        if (result.Code is not null)
        {
            context.Line($"stopped at   step [bold]{CommandContext.Escape(result.StepId)}[/] by {CommandContext.Escape(result.Gate ?? "the tool")}: {CommandContext.Escape(result.Code.Code)}");
            if (result.Rules.Count > 0)
            {
                context.Line($"rule         {CommandContext.Escape(string.Join(", ", result.Rules))}");
            }

            context.Plain($"reason       {result.Reason}");
        }

        if (result.Output is { } output && result.Status == RunStatus.Succeeded)
        {
            var text = output.ValueKind == JsonValueKind.String ? output.GetString()! : output.GetRawText();
            context.Plain($"output       {(text.Length > 200 ? text[..200] + "…" : text)}");
        }

        context.Plain($"run id       {result.RunId}");
        context.Plain($"fingerprint  {result.Fingerprint}");
        context.Plain($"transcript   {transcriptPath}  ({result.Events} events)");
        context.Plain($"next: {context.Invoked} verify {transcriptPath}");
    }
}
