using Reach.Core.Errors;
using Reach.Core.Json;
using Reach.Core.Packs;

namespace Reach.Core.Engine;

/// <summary>Checks a run's inputs against the pack's declarations and applies defaults.</summary>
public static class RunInputs
{
    /// <summary>Parses inputs text (JSON, read strictly: see <see cref="StrictJson"/>), or null for none.</summary>
    /// <exception cref="ReachException">REACH-2101 when it is not JSON; REACH-1002..1005 for a key twice, a lone surrogate, a number out of range, too deep.</exception>
    public static JsonElement? ParseText(string? json) => json is null ? null : Parse(() => StrictJson.Parse(json));

    /// <summary>Parses inputs from UTF-8 bytes (an inputs file), strictly: invalid UTF-8 is refused, not replaced.</summary>
    /// <exception cref="ReachException">As <see cref="ParseText"/>.</exception>
    public static JsonElement ParseUtf8(byte[] utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        return Parse(() => StrictJson.Parse(utf8Json));
    }

    private static JsonElement Parse(Func<JsonElement> parse)
    {
        try
        {
            return parse();
        }
        catch (ReachException ex) when (ex.Error == ErrorCatalog.JsonInvalid)
        {
            var line = ex.Details.TryGetValue("line", out var l) ? Convert.ToInt64(l, CultureInfo.InvariantCulture) : 1;
            var column = ex.Details.TryGetValue("column", out var c) ? Convert.ToInt64(c, CultureInfo.InvariantCulture) : 1;
            throw new ReachException(ErrorCatalog.InputsNotObject, $"The inputs are not valid JSON at line {line}, column {column}.", ex)
            {
                Details = new Dictionary<string, object?> { ["line"] = line, ["column"] = column },
            };
        }
        catch (ReachException ex)
        {
            throw new ReachException(ex.Error, $"The inputs: {ex.Message}", ex) { Details = ex.Details };
        }
    }

    /// <summary>Validates <paramref name="supplied"/> and returns the resolved inputs object (sorted keys, defaults applied).</summary>
    public static JsonElement Resolve(PackManifest pack, JsonElement? supplied)
    {
        ArgumentNullException.ThrowIfNull(pack);
        if (supplied is { } given && given.ValueKind != JsonValueKind.Object)
        {
            throw new ReachException(ErrorCatalog.InputsNotObject, $"The inputs must be a JSON object; got {given.ValueKind.ToString().ToLowerInvariant()}.");
        }

        if (supplied is { } parsed)
        {
            // Parsed elsewhere (a host's own reader): refused here as the strict reader would, before anything is written.
            Parse(() =>
            {
                StrictJson.Check(parsed);
                return parsed;
            });
        }

        if (supplied is { } s)
        {
            foreach (var member in s.EnumerateObject())
            {
                var known = false;
                foreach (var declaration in pack.Inputs)
                {
                    known |= declaration.Name == member.Name;
                }

                if (!known)
                {
                    throw new ReachException(ErrorCatalog.InputUnknown, $"The pack '{pack.Name}' has no input '{member.Name}'{(pack.Inputs.Count == 0 ? "; it takes none" : $"; it takes {string.Join(", ", NamesOf(pack))}")}.");
                }
            }
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var declaration in pack.Inputs)
            {
                JsonElement value;
                if (supplied is { } obj && obj.TryGetProperty(declaration.Name, out var v))
                {
                    value = v;
                }
                else if (declaration.Default is { } fallback)
                {
                    value = fallback;
                }
                else if (declaration.Required)
                {
                    throw new ReachException(ErrorCatalog.InputMissing, $"The pack '{pack.Name}' needs the input '{declaration.Name}' ({declaration.Type}){(declaration.Description is null ? "" : $": {declaration.Description}")}.");
                }
                else
                {
                    continue;
                }

                if (!HasType(value, declaration.Type))
                {
                    throw new ReachException(ErrorCatalog.InputWrongType, $"The input '{declaration.Name}' must be {declaration.Type}; got {value.ValueKind.ToString().ToLowerInvariant()}.");
                }

                writer.WritePropertyName(declaration.Name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(Json.CanonicalJson.Canonicalize(buffer.WrittenSpan));
        return document.RootElement.Clone();
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => false,
    };

    private static IEnumerable<string> NamesOf(PackManifest pack)
    {
        foreach (var declaration in pack.Inputs)
        {
            yield return declaration.Name;
        }
    }
}
