using Reach.Core.Errors;
using Reach.Core.Gates;

namespace Reach.Core.Transcripts.Events;

/// <summary>The pieces every event's writer and reader share: optional members, timestamps, effects, usage, reservations.</summary>
public static class EventJson
{
    /// <summary>How the clock's readings are written: ISO 8601 in UTC with seven fractional digits, which round-trips.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a timestamp as <see cref="Timestamp"/> writes it (any ISO 8601 form is taken, in UTC when it names no offset).</summary>
    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The text of a gate's effect: <c>permit</c> or <c>deny</c>.</summary>
    public static string EffectText(GateEffect effect) => effect == GateEffect.Permit ? "permit" : "deny";

    /// <summary>Writes the members of a usage object: <c>cost</c>, <c>duration_ms</c>, <c>steps</c>, <c>tool_calls</c>.</summary>
    public static void WriteUsage(Utf8JsonWriter writer, BudgetUsage usage)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("cost", usage.Cost);
        writer.WriteNumber("duration_ms", (long)usage.Elapsed.TotalMilliseconds);
        writer.WriteNumber("steps", usage.Steps);
        writer.WriteNumber("tool_calls", usage.ToolCalls);
    }

    /// <summary>Reads a usage object <see cref="WriteUsage"/> wrote.</summary>
    public static BudgetUsage ReadUsage(JsonElement usage) =>
        new(Long(usage, "steps"), Long(usage, "tool_calls"), Decimal(usage, "cost"), TimeSpan.FromMilliseconds(Long(usage, "duration_ms")));

    /// <summary>Writes the members of a reservation object: <c>cost</c>, <c>steps</c>, <c>tool_calls</c>.</summary>
    public static void WriteReservation(Utf8JsonWriter writer, BudgetReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("cost", reservation.Cost);
        writer.WriteNumber("steps", reservation.Steps);
        writer.WriteNumber("tool_calls", reservation.ToolCalls);
    }

    /// <summary>Reads a reservation object <see cref="WriteReservation"/> wrote.</summary>
    public static BudgetReservation ReadReservation(JsonElement reservation) =>
        new(Long(reservation, "steps"), Long(reservation, "tool_calls"), Decimal(reservation, "cost"));

    internal static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    internal static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    internal static JsonElement Member(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) ? value : throw Malformed(name, "is missing");

    internal static JsonElement? OptionalMember(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) ? value : null;

    internal static string String(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw Malformed(name, "is not a string");

    internal static string? OptionalString(JsonElement data, string name) => OptionalMember(data, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString()!,
        _ => throw Malformed(name, "is not a string"),
    };

    internal static long Long(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var n) ? n : throw Malformed(name, "is not an integer");

    internal static decimal Decimal(JsonElement data, string name) =>
        Member(data, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDecimal(out var n) ? n : throw Malformed(name, "is not a number");

    internal static DateTimeOffset Time(JsonElement data, string name)
    {
        var text = String(data, name);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw Malformed(name, "is not a timestamp");
    }

    internal static GateEffect Effect(JsonElement data) => String(data, "effect") switch
    {
        "permit" => GateEffect.Permit,
        "deny" => GateEffect.Deny,
        _ => throw Malformed("effect", "is neither permit nor deny"),
    };

    internal static IReadOnlyList<string> Strings(JsonElement data, string name)
    {
        var array = Member(data, name);
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Malformed(name, "is not an array");
        }

        var values = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            values.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Malformed(name, "holds a value that is not a string"));
        }

        return values;
    }

    internal static ReachException Malformed(string member, string problem) =>
        new(ErrorCatalog.EventMalformed, $"The event's data member '{member}' {problem}.");
}
