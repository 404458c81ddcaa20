namespace Reach.Core.Packs;

/// <summary>
/// A run's limits; a null limit is not enforced. The one budgets type: pack.json spells the time limit
/// <c>max_duration</c> as text (<see cref="ReadManifest"/>, <see cref="WriteManifestMembers"/>); events, the runner API
/// and everything else that is not a pack spell it <c>max_duration_ms</c> in whole milliseconds
/// (<see cref="Read"/>, <see cref="WriteMembers"/>). Both forms have one reader and one writer here.
/// </summary>
public sealed record Budgets
{
    /// <summary>The name of the time limit in pack.json: text such as <c>"30s"</c>.</summary>
    public const string ManifestDurationName = "max_duration";

    /// <summary>The name of the time limit in events and the runner API: whole milliseconds.</summary>
    public const string DurationMsName = "max_duration_ms";

    /// <summary>At most this many steps.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>At most this many tool calls.</summary>
    public long? MaxToolCalls { get; init; }

    /// <summary>At most this much cost, in the pack's units.</summary>
    public decimal? MaxCost { get; init; }

    /// <summary>At most this much time from the run's start, read from the injected clock.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>
    /// Writes the limits set, in the milliseconds form (<c>max_cost</c>, <c>max_duration_ms</c>, <c>max_steps</c>,
    /// <c>max_tool_calls</c>, in canonical order) as members of the object <paramref name="writer"/> is in.
    /// </summary>
    public void WriteMembers(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (MaxCost is { } cost)
        {
            writer.WriteNumber("max_cost", cost);
        }

        if (MaxDuration is { } duration)
        {
            writer.WriteNumber(DurationMsName, (long)duration.TotalMilliseconds);
        }

        if (MaxSteps is { } steps)
        {
            writer.WriteNumber("max_steps", steps);
        }

        if (MaxToolCalls is { } calls)
        {
            writer.WriteNumber("max_tool_calls", calls);
        }
    }

    /// <summary>
    /// Reads the milliseconds form (<see cref="WriteMembers"/>): a member that is absent or JSON null is no limit, other
    /// members are ignored. A limit that is not a whole number (a number for <c>max_cost</c>) of 0 or more is handed to
    /// <paramref name="invalid"/> with its name and what it must be, for the exception to throw; without one it throws
    /// REACH-1117 (a malformed event).
    /// </summary>
    public static Budgets Read(JsonElement budgets, Func<string, string, Exception>? invalid = null)
    {
        invalid ??= static (name, expected) => new Errors.ReachException(Errors.ErrorCatalog.EventMalformed, $"The budget {name} must be {expected}.");
        long? Whole(string name) => budgets.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 ? n : throw invalid(name, "a whole number, 0 or more")
            : null;
        decimal? cost = budgets.TryGetProperty("max_cost", out var c) && c.ValueKind != JsonValueKind.Null
            ? c.ValueKind == JsonValueKind.Number && c.TryGetDecimal(out var d) && d >= 0 ? d : throw invalid("max_cost", "a number, 0 or more")
            : null;
        var duration = Whole(DurationMsName);
        return new Budgets { MaxSteps = Whole("max_steps"), MaxToolCalls = Whole("max_tool_calls"), MaxCost = cost, MaxDuration = duration is { } ms ? TimeSpan.FromMilliseconds(ms) : null };
    }

    /// <summary>
    /// Writes the limits set, in pack.json's form (<c>max_steps</c>, <c>max_tool_calls</c>, <c>max_cost</c>,
    /// <c>max_duration</c> as the shortest whole unit: <c>"2h"</c>, <c>"5m"</c>, <c>"30s"</c>, else <c>"250ms"</c>).
    /// </summary>
    public void WriteManifestMembers(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (MaxSteps is { } steps)
        {
            writer.WriteNumber("max_steps", steps);
        }

        if (MaxToolCalls is { } calls)
        {
            writer.WriteNumber("max_tool_calls", calls);
        }

        if (MaxCost is { } cost)
        {
            writer.WriteNumber("max_cost", cost);
        }

        if (MaxDuration is { } duration)
        {
            writer.WriteString(ManifestDurationName, DurationText.FormatWhole(duration));
        }
    }

    /// <summary>
    /// Reads pack.json's <c>budgets</c> section (<see cref="WriteManifestMembers"/>). With <paramref name="invalid"/>
    /// (the loader) it is strict: a member that is not a budget, a count that is not a whole number of 0 or more, a cost
    /// that is not a number of 0 or more and a duration that is not text like <c>"30s"</c> are handed to it with the
    /// member's name and what it must be. Without (a linter reading a manifest that may be broken) a malformed limit
    /// reads as no limit.
    /// </summary>
    public static Budgets ReadManifest(JsonElement section, Func<string, string, Exception>? invalid = null)
    {
        if (invalid is not null)
        {
            foreach (var member in section.EnumerateObject())
            {
                if (member.Name is not ("max_steps" or "max_tool_calls" or "max_cost" or ManifestDurationName))
                {
                    throw invalid(member.Name, "a budget name (max_steps, max_tool_calls, max_cost or max_duration)");
                }
            }
        }

        long? Count(string name)
        {
            if (!section.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0 ? n
                : invalid is null ? null : throw invalid(name, "a non-negative integer");
        }

        decimal? maxCost = null;
        if (section.TryGetProperty("max_cost", out var c))
        {
            maxCost = c.ValueKind == JsonValueKind.Number && c.TryGetDecimal(out var v) && v >= 0 ? v
                : invalid is null ? null : throw invalid("max_cost", "a non-negative number");
        }

        TimeSpan? maxDuration = null;
        if (section.TryGetProperty(ManifestDurationName, out var duration))
        {
            maxDuration = duration.ValueKind == JsonValueKind.String && DurationText.TryParse(duration.GetString()!, out var span) ? span
                : invalid is null ? null : throw invalid(ManifestDurationName, "a duration such as \"500ms\", \"30s\", \"5m\" or \"1h\"");
        }

        return new Budgets { MaxSteps = Count("max_steps"), MaxToolCalls = Count("max_tool_calls"), MaxCost = maxCost, MaxDuration = maxDuration };
    }
}
