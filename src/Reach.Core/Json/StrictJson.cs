using Reach.Core.Errors;

namespace Reach.Core.Json;

/// <summary>
/// The one reader for JSON that comes from outside: request bodies, run inputs, pack.json. It accepts exactly what
/// canonical JSON can record (RFC 8259 text in valid UTF-8, no key twice in any object at any level, no lone surrogate
/// escape, numbers a double holds, at most 64 levels), so nothing is accepted that would fail later, half-recorded.
/// One leading UTF-8 byte order mark is skipped (RFC 8259 §8.1 lets a parser ignore it), wherever the text comes from.
/// </summary>
public static class StrictJson
{
    /// <summary>Parses UTF-8 JSON strictly and returns its root (a clone, free of any document).</summary>
    /// <exception cref="ReachException">REACH-1001 for text that is not JSON or not UTF-8, REACH-1002..1005 for the rest; with line and column.</exception>
    public static JsonElement Parse(ReadOnlySpan<byte> utf8Json)
    {
        var json = WithoutBom(utf8Json);
        CanonicalJson.Check(json);
        using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = CanonicalJson.MaxDepth + 1 });
        return document.RootElement.Clone();
    }

    /// <summary>Parses JSON text strictly; a lone surrogate in the text itself is refused like an escaped one.</summary>
    /// <exception cref="ReachException">REACH-1001..1005, as <see cref="Parse(ReadOnlySpan{byte})"/>.</exception>
    public static JsonElement Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckText(text, "The text");

        // Encoding would turn a lone surrogate into U+FFFD silently; CheckText refused it first.
        return Parse(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Checks an element parsed elsewhere as <see cref="Parse(ReadOnlySpan{byte})"/> would: <see cref="JsonDocument"/> keeps duplicate keys and lone surrogate escapes.</summary>
    /// <exception cref="ReachException">REACH-1002..1005.</exception>
    public static void Check(JsonElement element) => CanonicalJson.Check(element);

    /// <summary>Refuses a string that holds a lone UTF-16 surrogate (it has no UTF-8 form; writers would replace it silently).</summary>
    /// <exception cref="ReachException">REACH-1003 with the index of the lone half.</exception>
    public static void CheckText(string? value, string what)
    {
        if (value is null)
        {
            return;
        }

        for (var index = 0; index < value.Length; index++)
        {
            var c = value[index];
            if (char.IsHighSurrogate(c) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                index++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ReachException(
                    ErrorCatalog.JsonLoneSurrogate,
                    string.Create(CultureInfo.InvariantCulture, $"{what} holds a lone UTF-16 surrogate (U+{(int)c:X4} at index {index}); it is not a Unicode character."))
                {
                    Details = new Dictionary<string, object?> { ["index"] = index },
                };
            }
        }
    }

    /// <summary>The text without one leading UTF-8 byte order mark.</summary>
    internal static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> utf8Json) =>
        utf8Json.StartsWith("\uFEFF"u8) ? utf8Json[3..] : utf8Json;
}
