using Reach.Core.Transcripts;
using Reach.Mcp.Gateway;

namespace Reach.Cli.Commands;

/// <summary><c>reach replay</c> for an MCP gateway transcript: re-decides every recorded call, calls no server.</summary>
internal static class McpReplayCommand
{
    public static async Task<int> ExecuteAsync(CommandContext context, byte[] bytes, TranscriptHeader header, RunIndexEntry? entry, RunBinding? binding, ParseResult parse, CancellationToken cancellationToken)
    {
        var connector = header.PackName[GatewayPack.NamePrefix.Length..];
        var pins = ConnectorCommand.Store(context.Environment).GetPins(connector);
        var policy = PolicyRunOptions.Resolve(parse, context, entry?.Policy, entry?.PolicyMode);
        var report = await GatewayReplay.ReevaluateAsync(bytes, pins, policy.Gate, cancellationToken).ConfigureAwait(false);
        var divergence = report.Divergence;
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", report.Ok);
                w.WriteString("run_id", report.RunId);
                w.WriteString("connector", report.Connector);
                w.WriteString("mode", "mcp-gateway-decisions");
                w.WriteNumber("calls", report.Calls);
                w.WriteNumber("decisions", report.Decisions);
                w.WriteNumber("pin_refusals", report.PinRefusals);
                w.WriteBoolean("head_bound", binding is { Bound: true });
                if (divergence is not null)
                {
                    w.WriteStartObject("divergence");
                    w.WriteString("code", ErrorCatalog.ReplayDiverged.Code);
                    w.WriteString("kind", "changed_decision");
                    w.WriteNumber("seq", divergence.Seq);
                    w.WriteString("tool", divergence.Tool);
                    w.WriteString("gate", divergence.Gate);
                    Verdict(w, "recorded", divergence.Recorded);
                    Verdict(w, "replayed", divergence.Replayed);
                    w.WriteString("likely_cause", report.LikelyCause);
                    w.WriteEndObject();
                }
            });
        }
        else if (divergence is null)
        {
            context.Line($"[green]replayed[/]     {Plural.Of(report.Decisions, "gate decision")} of {Plural.Of(report.Calls, "MCP call")}: identical (no server was called; {Plural.Of(report.PinRefusals, "pin refusal")} kept as recorded)");
            ReplayCommand.WriteBinding(context, binding, header.RunId);
        }
        else
        {
            var error = context.Environment.Error;
            error.WriteLine($"DIVERGED[{ErrorCatalog.ReplayDiverged.Code}]: the {divergence.Gate} gate decides event {divergence.Seq} ({divergence.Tool}) differently");
            error.WriteLine($"  recorded  {Describe(divergence.Recorded)}");
            error.WriteLine($"  replayed  {Describe(divergence.Replayed)}");
            if (report.LikelyCause is not null)
            {
                error.WriteLine($"  likely cause: {report.LikelyCause}");
            }
        }

        return report.Ok ? 0 : 1;
    }

    private static string Describe(GateVerdict verdict) => $"{verdict.Effect}{(verdict.Code is null ? string.Empty : " " + verdict.Code)} [{string.Join(", ", verdict.Rules)}]";

    private static void Verdict(Utf8JsonWriter w, string name, GateVerdict verdict)
    {
        w.WriteStartObject(name);
        w.WriteString("effect", verdict.Effect);
        w.WriteString("code", verdict.Code);
        w.WriteStartArray("rules");
        foreach (var rule in verdict.Rules)
        {
            w.WriteStringValue(rule);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
