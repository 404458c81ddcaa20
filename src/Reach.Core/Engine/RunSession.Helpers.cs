using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Core.Engine;

public sealed partial class RunSession
{
    private PolicyDecision DecidePolicy(ToolCallRequest request)
    {
        try
        {
            return _options.Policy.Decide(request) ?? throw new InvalidOperationException("the gate returned no decision");
        }
#pragma warning disable CA1031 // Fail closed: whatever a gate throws becomes a recorded denial.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return PolicyDecision.Deny(ErrorCatalog.PolicyGateFailed, $"The policy gate failed ({ex.GetType().Name}: {ex.Message}); a gate that cannot decide denies.");
        }
    }

    private void Tally(string tool, decimal cost)
    {
        for (var i = 0; i < _tallies.Count; i++)
        {
            if (string.Equals(_tallies[i].Tool, tool, StringComparison.Ordinal))
            {
                _tallies[i] = _tallies[i] with { Calls = _tallies[i].Calls + 1, Cost = _tallies[i].Cost + cost };
                return;
            }
        }

        _tallies.Add(new ToolTally(tool, 1, cost));
    }

    private BudgetDecision DecideBudget(decimal cost, TimeSpan elapsed)
    {
        try
        {
            return _budget.Decide(cost, elapsed);
        }
#pragma warning disable CA1031 // Fail closed: whatever a gate throws becomes a recorded denial.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new BudgetDecision { Effect = GateEffect.Deny, Code = ErrorCatalog.BudgetGateFailed, Reason = $"The budget gate failed ({ex.GetType().Name}: {ex.Message}); a gate that cannot decide denies.", Cost = cost };
        }
    }

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

    // Once the gates let a call through, whatever happens to it ends in an outcome to record: a tool that throws
    // (a bug, or an effect source that fails) is a coded failure, never a call left without its result.
    private ToolOutcome Effect(ITool tool, JsonElement input, string? stepId, ToolDeclaration? declaration, bool deterministic)
    {
        try
        {
            return deterministic
                ? ToolOutcome.Success(tool.Execute(input, new ToolContext(null, declaration)))
                : _options.Effects.Execute(tool, stepId, input, declaration);
        }
        catch (ToolException ex)
        {
            return ToolOutcome.Failure(ex.Error, ex.Message);
        }
        catch (ReachException ex)
        {
            // The title, not the message: a host's message may name its own paths.
            return ToolOutcome.Failure(ex.Error, $"{tool.Name} failed: {ex.Error.Title}.");
        }
#pragma warning disable CA1031 // The call is already gated and charged: any failure must be recorded, not thrown past the record.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Only the type: an unexpected exception's message may name server paths.
            return ToolOutcome.Failure(ErrorCatalog.ToolCrashed, $"{tool.Name} failed unexpectedly ({ex.GetType().Name}).");
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

    private CallOutcome Denied(string gate, ErrorCode code, string reason, IReadOnlyList<string> rules, PolicyDecision policy) =>
        new() { Status = RunStatus.Denied, Gate = gate, Code = code, Reason = reason, Rules = rules, Policy = policy, Seq = _last.Seq, Hash = _last.Hash };

    private void Append(byte[] typeToken, string type, string? stepId, string? tool, string summary, Action<Utf8JsonWriter> writeMembers)
    {
        _data.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_data))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        _last = _writer.Append(typeToken, _data.WrittenSpan);
        _options.Observer?.Invoke(new RunProgress(_last.Seq, type, stepId, tool, summary));
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteBudgets(Utf8JsonWriter w, Budgets budgets)
    {
        if (budgets.MaxCost is { } cost)
        {
            w.WriteNumber("max_cost", cost);
        }

        if (budgets.MaxDuration is { } duration)
        {
            w.WriteNumber("max_duration_ms", (long)duration.TotalMilliseconds);
        }

        if (budgets.MaxSteps is { } steps)
        {
            w.WriteNumber("max_steps", steps);
        }

        if (budgets.MaxToolCalls is { } calls)
        {
            w.WriteNumber("max_tool_calls", calls);
        }
    }

    private static void WriteUsage(Utf8JsonWriter w, BudgetUsage usage)
    {
        w.WriteNumber("cost", usage.Cost);
        w.WriteNumber("duration_ms", (long)usage.Elapsed.TotalMilliseconds);
        w.WriteNumber("steps", usage.Steps);
        w.WriteNumber("tool_calls", usage.ToolCalls);
    }

    private static string Effect(GateEffect effect) => effect == GateEffect.Permit ? "permit" : "deny";
}
