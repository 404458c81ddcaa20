using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Cli.Commands;

/// <summary><c>reach replay &lt;transcript&gt;</c>: re-runs the pack with the recorded effects and compares event by event.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var transcript = new Argument<string>("transcript") { Description = "The transcript (.jsonl) to replay" };
        var pack = new Option<string?>("--pack", "-p") { Description = "The pack directory (default: the one REACH_HOME recorded for the run)" };
        var command = new Command("replay", "Replay a run: deterministic tools run again, recorded results of side-effecting tools, clock and randomness are fed back; the first divergent event is named.\n\nExample:\n  reach replay ~/.reach/runs/<run id>.jsonl --pack examples/packs/hello")
        {
            transcript, pack,
        };
        PolicyRunOptions.Add(command);
        command.SetAction((parse, cancellationToken) => ExecuteAsync(new CommandContext(parse, environment), parse.GetValue(transcript)!, parse.GetValue(pack), parse, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(CommandContext context, string path, string? packPath, ParseResult parse, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new ReachException(ErrorCatalog.TranscriptNotFound, $"No transcript at '{path}'.");
        }

        var bytes = File.ReadAllBytes(path);
        var recordedHeader = ReadHeader(bytes);
        var home = new ReachHome(context.Environment.Home);
        var entry = home.Find(recordedHeader.RunId);

        // A rewritten transcript (every hash recomputed) replays as identical when the change is in what replay feeds
        // back (clock readings, recorded results); the run index's fingerprint is what tells it from the original.
        var verified = TranscriptVerifier.Verify(new MemoryStream(bytes, writable: false));
        var binding = verified.Ok ? RunBinding.Check(home, path, recordedHeader.RunId, verified.Fingerprint) : null;
        if (binding is { Contradicted: true })
        {
            throw binding.Failure();
        }

        if (Reach.Mcp.Gateway.GatewayReplay.IsGatewayTranscript(recordedHeader))
        {
            return await McpReplayCommand.ExecuteAsync(context, bytes, recordedHeader, entry, binding, parse, cancellationToken).ConfigureAwait(false);
        }

        // A redacted or torn transcript never replays, whichever pack is given: say that before asking for --pack.
        Replayer.RequireReplayable(verified);
        if (packPath is null)
        {
            packPath = entry?.PackDir
                ?? throw new ReachException(ErrorCatalog.ReplayPackUnknown, $"REACH_HOME has no record of run {recordedHeader.RunId} ({recordedHeader.PackName}@{recordedHeader.PackVersion}).");
        }

        var pack = PackLoader.Load(packPath, ToolRegistry.BuiltIn.Names);
        var policy = PolicyRunOptions.Resolve(parse, context, entry?.Policy, entry?.PolicyMode);
        using var interruption = new Interruption(cancellationToken);
        var report = await Replayer.ReplayAsync(bytes, pack, policy.Gate, cancellationToken: interruption.Token).ConfigureAwait(false);
        context.Timing($"replayed {report.Events} events");
        var divergence = report.Divergence;
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", report.Ok);
                w.WriteString("fingerprint", report.Fingerprint.ToString());
                w.WriteString("recorded_fingerprint", report.RecordedFingerprint.ToString());
                w.WriteString("run_id", report.RunId);
                w.WriteNumber("events", report.Events);
                w.WriteNumber("re_executed", report.ReExecuted);
                w.WriteNumber("fed", report.Fed);
                w.WriteBoolean("head_bound", binding is { Bound: true });
                if (divergence is not null)
                {
                    w.WriteStartObject("divergence");
                    w.WriteString("code", ErrorCatalog.ReplayDiverged.Code);
                    w.WriteString("kind", Kind(divergence.Kind));
                    if (divergence.Seq is { } seq)
                    {
                        w.WriteNumber("seq", seq);
                    }

                    w.WriteString("likely_cause", divergence.LikelyCause);
                    w.WriteString("recorded", divergence.Recorded);
                    w.WriteString("replayed", divergence.Replayed);
                    w.WriteString("recorded_hash", divergence.RecordedHash);
                    w.WriteString("replayed_hash", divergence.ReplayedHash);
                    w.WriteEndObject();
                }
            });
        }
        else if (divergence is null)
        {
            context.Line($"[green]replayed[/]     {Plural.Of(report.Events, "event")}: identical ({Plural.Of(report.ReExecuted, "deterministic result")} re-executed, {Plural.Of(report.Fed, "recorded result")} fed)");
            context.Plain($"fingerprint  {report.Fingerprint}");
            WriteBinding(context, binding, report.RunId);
        }
        else
        {
            var error = context.Environment.Error;
            error.WriteLine($"DIVERGED[{ErrorCatalog.ReplayDiverged.Code}]: {Kind(divergence.Kind)}{(divergence.Seq is { } s ? $" at event {s}" : " in the header")}");
            error.WriteLine($"  likely cause: {divergence.LikelyCause}");
            error.WriteLine($"  recorded  {divergence.Recorded ?? "(nothing)"}");
            error.WriteLine($"            {divergence.RecordedHash}");
            error.WriteLine($"  replayed  {divergence.Replayed ?? "(nothing)"}");
            error.WriteLine($"            {divergence.ReplayedHash}");
            error.WriteLine($"  fingerprints: recorded {report.RecordedFingerprint}, replayed {report.Fingerprint}");
        }

        return report.Ok ? 0 : 1;
    }

    /// <summary>Says plainly when no record kept apart from the transcript binds its fingerprint.</summary>
    internal static void WriteBinding(CommandContext context, RunBinding? binding, string runId)
    {
        if (binding is not { Bound: true })
        {
            context.Line($"[yellow]unbound[/]      {CommandContext.Escape(RunBinding.UnboundLine(runId))}");
        }
    }

    private static TranscriptHeader ReadHeader(byte[] bytes)
    {
        var end = Array.IndexOf(bytes, (byte)'\n');
        return TranscriptHeader.Parse(end < 0 ? bytes : bytes.AsSpan(0, end));
    }

    internal static string Kind(DivergenceKind kind) => kind switch
    {
        DivergenceKind.HeaderChanged => "header_changed",
        DivergenceKind.ChangedEvent => "changed_event",
        DivergenceKind.ExtraEvent => "extra_event",
        DivergenceKind.MissingEvent => "missing_event",
        _ => "unconsumed_effect",
    };
}
