using Reach.Core.Transcripts;

namespace Reach.Cli.Commands;

/// <summary><c>reach verify &lt;transcript&gt;</c>: checks every hash, digest, link and the fingerprint, streaming.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var transcript = new Argument<string>("transcript") { Description = "The transcript (.jsonl) to verify" };
        var partial = new Option<bool>("--allow-partial") { Description = "Exit 0 for a torn or unsealed transcript whose whole events verify (a run that was killed)" };
        var command = new Command("verify", "Verify a transcript: canonical lines, the header, every data digest and event hash, the chain and the fingerprint.\n\nExample:\n  reach verify ~/.reach/runs/<run id>.jsonl --json")
        {
            transcript, partial,
        };
        command.SetAction(parse => Execute(new CommandContext(parse, environment), parse.GetValue(transcript)!, parse.GetValue(partial)));
        return command;
    }

    private static int Execute(CommandContext context, string path, bool allowPartial)
    {
        var report = TranscriptVerifier.VerifyFile(path);
        context.Timing($"verified {report.Events} events");
        var failure = report.Failure;

        // The hashes prove the file consistent with itself; only a head kept apart from it shows it was not rewritten.
        var binding = report.Ok ? RunBinding.Check(new ReachHome(context.Environment.Home), path, report.Header?.RunId, report.Fingerprint) : null;
        if (binding is { Contradicted: true })
        {
            failure = new VerificationFailure(ErrorCatalog.FingerprintNotIndexed, binding.Failure().Message, report.Events + 2, null, binding.Indexed, binding.Fingerprint);
        }

        var ok = failure is null || (allowPartial && report.ChainIntact && report.Events > 0);
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", ok);
                w.WriteString("fingerprint", report.Fingerprint.ToString());
                w.WriteNumber("events", report.Events);
                w.WriteNumber("redacted", report.Redacted);
                w.WriteBoolean("sealed", report.Sealed);
                w.WriteBoolean("torn", report.Torn);
                w.WriteBoolean("chain_intact", report.ChainIntact);
                w.WriteBoolean("head_bound", binding is { Bound: true });
                if (binding?.Indexed is { } indexed)
                {
                    w.WriteString("indexed_fingerprint", indexed);
                }

                if (report.Header is { } header)
                {
                    w.WriteString("run_id", header.RunId);
                    w.WriteString("pack", header.PackName);
                    w.WriteString("version", header.PackVersion);
                }

                if (failure is not null)
                {
                    w.WriteStartObject("error");
                    w.WriteString("code", failure.Error.Code);
                    w.WriteString("message", failure.Message);
                    w.WriteString("fix", failure.Error.Fix);
                    w.WriteNumber("line", failure.Line);
                    if (failure.Seq is { } seq)
                    {
                        w.WriteNumber("seq", seq);
                    }

                    if (failure.Expected is not null)
                    {
                        w.WriteString("expected", failure.Expected);
                        w.WriteString("actual", failure.Actual);
                    }

                    w.WriteEndObject();
                }
            });
        }
        else if (failure is null)
        {
            context.Line($"[green]verified[/]     {report.Events} events{(report.Redacted > 0 ? $", {report.Redacted} redacted" : "")}, sealed");
            context.Plain($"fingerprint  {report.Fingerprint}");
            if (report.Header is { } header)
            {
                context.Line($"run          {header.RunId}  [grey]{CommandContext.Escape(header.PackName)}@{CommandContext.Escape(header.PackVersion)}[/]");
            }

            context.Line(binding is { Bound: true }
                ? "bound        REACH_HOME recorded this fingerprint when the run finished"
                : $"[yellow]unbound[/]      {CommandContext.Escape(RunBinding.UnboundLine(report.Header?.RunId))}");
        }
        else
        {
            var error = context.Environment.Error;
            // The same shape as every error line (`error[CODE]: …`), so that scripts and eyes find the code in one place.
            error.WriteLine(ok ? $"warning[{failure.Error.Code}]: partial: {failure.Message}" : $"error[{failure.Error.Code}]: verification failed: {failure.Message}");
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  line {failure.Line}{(failure.Seq is { } s ? $", event {s}" : "")}"));
            if (failure.Expected is not null)
            {
                error.WriteLine($"  expected {failure.Expected}");
                error.WriteLine($"  actual   {failure.Actual}");
            }

            if (binding is { Contradicted: true })
            {
                error.WriteLine($"  the file is consistent with itself ({report.Events} events and the seal verify), but it is not the transcript the run wrote");
            }
            else if (report.ChainIntact)
            {
                error.WriteLine($"  the {report.Events} whole events before it verify (fingerprint {report.Fingerprint})");
            }

            error.WriteLine($"  fix: {failure.Error.Fix}");
        }

        if (ok)
        {
            return 0;
        }

        // Input errors (not a transcript at all) exit 2; a transcript that fails its checks is a negative answer.
        return failure!.Error.ExitCode;
    }
}
