using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Reach.Policy.Model;

namespace Reach.Policy.Conditions;

/// <summary>What kind of value a field held in one call.</summary>
public enum FieldValueKind
{
    /// <summary>The field is absent.</summary>
    Missing,

    /// <summary>JSON null.</summary>
    Null,

    /// <summary>A string from the context.</summary>
    Text,

    /// <summary>A number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A list of strings from the context.</summary>
    TextList,

    /// <summary>A JSON string, array or object from the call's arguments or the run's inputs.</summary>
    Json,
}

/// <summary>The value of a field in one call, read without allocation.</summary>
public readonly struct FieldValue
{
    private const int StackChars = 256;

    private FieldValue(FieldValueKind kind, string? text = null, double number = 0, IReadOnlyList<string>? list = null, JsonElement json = default)
    {
        Kind = kind;
        Text = text;
        Number = number;
        List = list;
        Json = json;
    }

    /// <summary>The kind; <see cref="FieldValueKind.Missing"/> for the default value.</summary>
    public FieldValueKind Kind { get; }

    /// <summary>The string of a <see cref="FieldValueKind.Text"/> value.</summary>
    public string? Text { get; }

    /// <summary>The number of a <see cref="FieldValueKind.Number"/> value, or 1/0 for a bool.</summary>
    public double Number { get; }

    /// <summary>The list of a <see cref="FieldValueKind.TextList"/> value.</summary>
    public IReadOnlyList<string>? List { get; }

    /// <summary>The element of a <see cref="FieldValueKind.Json"/> value.</summary>
    public JsonElement Json { get; }

    /// <summary>True when the value is a list (of strings, or a JSON array).</summary>
    public bool IsList => Kind == FieldValueKind.TextList || (Kind == FieldValueKind.Json && Json.ValueKind == JsonValueKind.Array);

    /// <summary>A string value.</summary>
    public static FieldValue FromText(string text) => new(FieldValueKind.Text, text);

    /// <summary>A number.</summary>
    public static FieldValue FromNumber(double number) => new(FieldValueKind.Number, number: number);

    /// <summary>A list of strings.</summary>
    public static FieldValue FromList(IReadOnlyList<string> list) => new(FieldValueKind.TextList, list: list);

    /// <summary>A JSON value: numbers, booleans and null become scalars.</summary>
    public static FieldValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => new(FieldValueKind.Number, number: element.GetDouble()),
        JsonValueKind.True => new(FieldValueKind.Bool, number: 1),
        JsonValueKind.False => new(FieldValueKind.Bool, number: 0),
        JsonValueKind.Null => new(FieldValueKind.Null),
        _ => new(FieldValueKind.Json, json: element),
    };

    /// <summary>True for a string, from the context or the JSON.</summary>
    public bool IsString => Kind == FieldValueKind.Text || (Kind == FieldValueKind.Json && Json.ValueKind == JsonValueKind.String);

    /// <summary>Element <paramref name="index"/> of a list.</summary>
    public FieldValue Item(int index) => Kind == FieldValueKind.TextList ? FromText(List![index]) : FromJson(Json[index]);

    /// <summary>The number of items of a list.</summary>
    public int Count => Kind == FieldValueKind.TextList ? List!.Count : Json.GetArrayLength();

    /// <summary>True when this is the string <paramref name="value"/> (<paramref name="utf8"/> in UTF-8).</summary>
    public bool TextEquals(string value, byte[] utf8) => Kind switch
    {
        FieldValueKind.Text => string.Equals(Text, value, StringComparison.Ordinal),
        FieldValueKind.Json => Json.ValueKind == JsonValueKind.String && Json.ValueEquals(utf8),
        _ => false,
    };

    /// <summary>True when this is a string that matches <paramref name="glob"/> or <paramref name="regex"/>.</summary>
    public bool Matches(GlobPattern? glob, Regex? regex)
    {
        if (Kind == FieldValueKind.Text)
        {
            return Match(Text.AsSpan(), glob, regex);
        }

        if (Kind != FieldValueKind.Json || Json.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        // The raw bytes hold the quotes; without escapes they decode straight into a stack buffer, no string needed.
        var raw = JsonMarshal.GetRawUtf8Value(Json);
        raw = raw[1..^1];
        var escaped = raw.Contains((byte)'\\');
        if (!escaped && glob?.IsMatchUtf8(raw) is { } fast)
        {
            return fast;
        }

        if (raw.Length > StackChars || escaped)
        {
            return Match(Json.GetString().AsSpan(), glob, regex);
        }

        Span<char> chars = stackalloc char[StackChars];
        var count = Encoding.UTF8.GetChars(raw, chars);
        return Match(chars[..count], glob, regex);
    }

    /// <summary>A short rendering for explanations.</summary>
    public string Describe()
    {
        var text = Kind switch
        {
            FieldValueKind.Missing => "(absent)",
            FieldValueKind.Null => "null",
            FieldValueKind.Text => JsonSerializer.Serialize(Text, PolicyJsonContext.Default.String),
            FieldValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
            FieldValueKind.Bool => Number != 0 ? "true" : "false",
            FieldValueKind.TextList => JsonSerializer.Serialize(List, PolicyJsonContext.Default.IReadOnlyListString),
            _ => Json.GetRawText(),
        };
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    private static bool Match(ReadOnlySpan<char> value, GlobPattern? glob, Regex? regex) =>
        glob is not null ? glob.IsMatch(value) : regex!.IsMatch(value);
}
