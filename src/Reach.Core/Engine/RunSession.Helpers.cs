using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts.Events;

namespace Reach.Core.Engine;

public sealed partial class RunSession
{
    // Asks one gate. Whatever it throws, and a gate that does not answer within SessionOptions.GateTimeout, becomes
    // the gate's own recorded denial: a gate that cannot decide denies.
    private async ValueTask<GateVerdict> DecideAsync(ICallGate gate, GateContext context, CancellationToken cancellationToken)
    {
        try
        {
            var pending = gate.DecideAsync(context, cancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                return pending.Result ?? throw new InvalidOperationException("the gate returned no verdict");
            }

            var verdict = _options.GateTimeout is { } timeout
                ? await pending.AsTask().WaitAsync(timeout, _options.Clock, cancellationToken).ConfigureAwait(false)
                : await pending.ConfigureAwait(false);
            return verdict ?? throw new InvalidOperationException("the gate returned no verdict");
        }
        catch (TimeoutException)
        {
            return gate.Failed(context, string.Create(CultureInfo.InvariantCulture, $"The {gate.Name} gate did not decide within {(long)_options.GateTimeout!.Value.TotalMilliseconds} ms; a gate that cannot decide denies."));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return gate.Failed(context, $"The run was interrupted before the {gate.Name} gate decided; the call did not run.");
        }
#pragma warning disable CA1031 // Fail closed: whatever a gate throws becomes a recorded denial.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return gate.Failed(context, $"The {gate.Name} gate failed ({ex.GetType().Name}: {ex.Message}); a gate that cannot decide denies.");
        }
    }

    // What every gate is asked about a call, by ProposeAsync and EvaluateAsync alike.
    private GateContext Context(ProposedCall call, ITool? implementation, ToolDeclaration? declaration, TimeSpan elapsed, bool dryRun) => new()
    {
        Request = new ToolCallRequest
        {
            Tool = call.Tool,
            // A tool Reach does not implement (run by the client, forwarded to an MCP server) needs what its declaration claims.
            RequiredPermissions = implementation?.RequiredPermissions ?? declaration?.Permissions ?? [],
            Declaration = declaration,
            Input = call.Input,
            Pack = _options.Pack,
            StepId = call.StepId,
            StepIndex = call.Index,
            Usage = _budget.Usage(elapsed),
            Inputs = _options.Inputs,
            Tallies = [.. _tallies],
        },
        Cost = declaration?.Cost ?? 0m,
        Elapsed = elapsed,
        DryRun = dryRun,
        Refusal = call.Refusal,
    };

    private void RecordPolicy(PolicyDecision policy, string? stepId, string tool) =>
        Append(PolicyDecisionEvent.Of(policy, stepId, tool), stepId, tool, $"policy {EventJson.EffectText(policy.Effect)}: {policy.Reason}");

    private void RecordBudget(BudgetDecision budget, string? stepId, string tool) =>
        Append(BudgetDecisionEvent.Of(budget, stepId, tool), stepId, tool, $"budget {EventJson.EffectText(budget.Effect)}: {budget.Reason}");

    private void Tally(string tool, decimal cost) => UsageLedger.Tally(_tallies, tool, cost);

    // What Propose refuses before writing anything: text that has no UTF-8 form, an input canonical JSON cannot hold,
    // and text the operating system would read differently from the gates.
    private static void CheckProposal(string tool, JsonElement input, string? stepId, ITool? implementation)
    {
        ArgumentNullException.ThrowIfNull(tool);
        StrictJson.CheckText(tool, "The tool name");
        StrictJson.CheckText(stepId, "The step id");
        if (input.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The input has no value (default JsonElement).", nameof(input));
        }

        StrictJson.Check(input);
        ToolInputGuard.Check(implementation, input);
    }

    // Once the gates let a call through, the effect happens as the call's CallExecution says, and whatever happens
    // ends in an outcome to record: a tool or forwarder that throws (a bug, an effect source that fails) is a coded
    // failure, never a call left without its result; an interruption is REACH-2240.
    private async ValueTask<(ToolOutcome Outcome, bool Deterministic)> EffectAsync(ProposedCall call, CallExecution how, ITool? tool, ToolDeclaration? declaration, CancellationToken cancellationToken)
    {
        var name = call.Tool;
        var deterministic = how.NeedsImplementation && (tool?.Deterministic ?? true);
        try
        {
            var outcome = how switch
            {
                CallExecution.Supplied supplied => supplied.Outcome,
                CallExecution.Recorded recorded => recorded.Outcome,
                CallExecution.Forwarded forwarded => await forwarded.Forward(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("the forwarder returned no outcome"),
                _ when tool is null => ToolOutcome.Failure(ErrorCatalog.UnknownTool, $"'{name}' is not a tool Reach knows."),
                _ when deterministic => ToolOutcome.Success(await tool.ExecuteAsync(call.Input, new ToolContext(null, declaration), cancellationToken).ConfigureAwait(false)),
                _ => await _options.Effects.ExecuteAsync(tool, call.StepId, call.Input, declaration, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("the effect source returned no outcome"),
            };
            return (outcome, deterministic);
        }
        catch (ToolException ex)
        {
            return (ToolOutcome.Failure(ex.Error, ex.Message), deterministic);
        }
        catch (ReachException ex)
        {
            // The title, not the message: a host's message may name its own paths.
            return (ToolOutcome.Failure(ex.Error, $"{name} failed: {ex.Error.Title}."), deterministic);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (ToolOutcome.Failure(ErrorCatalog.RunInterrupted, $"{name} was interrupted: the run was cancelled while it ran."), deterministic);
        }
#pragma warning disable CA1031 // The call is already gated and charged: any failure must be recorded, not thrown past the record.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Only the type: an unexpected exception's message may name server paths.
            return (ToolOutcome.Failure(ErrorCatalog.ToolCrashed, $"{name} failed unexpectedly ({ex.GetType().Name})."), deterministic);
        }
    }

    // An output the transcript cannot hold (a lone surrogate escape, a key twice, nested deeper than canonical JSON
    // allows) becomes a recorded tool error.
    private static bool CanRecord(JsonElement output, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ReachException? error)
    {
        try
        {
            if (output.ValueKind == JsonValueKind.Undefined)
            {
                error = new ReachException(ErrorCatalog.ToolCrashed, "the output has no value");
                return false;
            }

            StrictJson.Check(output);

            // The output sits one level down in the event's data, so check it wrapped the same way.
            var wrapped = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(wrapped, new JsonWriterOptions { MaxDepth = 256 }))
            {
                writer.WriteStartObject();
                writer.WritePropertyName("output");
                output.WriteTo(writer);
                writer.WriteEndObject();
            }

            CanonicalJson.Canonicalize(wrapped.WrittenSpan, new ArrayBufferWriter<byte>(wrapped.WrittenCount));
            error = null;
            return true;
        }
        catch (ReachException ex)
        {
            error = ex;
            return false;
        }
    }

    private CallOutcome Denied(string gate, ErrorCode code, string reason, IReadOnlyList<string> rules, PolicyDecision? policy) =>
        new() { Status = RunStatus.Denied, Gate = gate, Code = code, Reason = reason, Rules = rules, Policy = policy, Seq = _last.Seq, Hash = _last.Hash };

    // The one way an event is recorded: its record writes its data (no serializer, straight into the reused buffer).
    private void Append(TranscriptEvent ev, string? stepId, string? tool, string summary)
    {
        _data.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_data))
        {
            ev.WriteData(writer);
        }

        _last = _writer.Append(ev.TypeToken, _data.WrittenSpan);
        _options.Observer?.Invoke(new RunProgress(_last.Seq, ev.Type, stepId, tool, summary));
    }
}
