using Json.Schema;

namespace Reach.Packs.Validation;

/// <summary>
/// The pack manifest's JSON Schema (protocol/schemas/pack.schema.json, embedded in this assembly) and the findings it
/// gives for a document: one per failed keyword, with the JSON pointer and a message in Reach's words.
/// </summary>
public static class PackSchema
{
    private const string ResourceName = "Reach.Packs.pack.schema.json";

    private static readonly Lazy<(JsonSchema Schema, JsonDocument Document)> Loaded = new(Load);

    /// <summary>The schema's text, as shipped.</summary>
    public static string Text
    {
        get
        {
            using var stream = typeof(PackSchema).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from Reach.Packs.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Evaluates <paramref name="manifest"/>; each failure becomes a <see cref="PackRules.Schema"/> finding placed with <paramref name="map"/>.</summary>
    public static List<PackFinding> Evaluate(JsonElement manifest, JsonSourceMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var (schema, document) = Loaded.Value;
        var results = schema.Evaluate(manifest, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var findings = new List<PackFinding>();
        if (results.IsValid)
        {
            return findings;
        }

        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is null)
            {
                continue;
            }

            var pointer = detail.InstanceLocation.ToString();
            var rule = Navigate(document.RootElement, detail.SchemaLocation);
            foreach (var (keyword, libraryMessage) in detail.Errors)
            {
                var (message, fix) = Describe(keyword, libraryMessage, pointer, rule, manifest);
                findings.Add(new PackFinding
                {
                    Rule = PackRules.Schema,
                    Message = message,
                    Fix = fix ?? PackRules.Schema.Fix,
                    Pointer = pointer,
                    Position = map.Locate(pointer),
                });
            }
        }

        return [.. findings.OrderBy(f => f.Position)];
    }

    private static (JsonSchema, JsonDocument) Load()
    {
        var text = Text;
        // A registry of our own: the global one refuses a second schema with the same $id, and other code may load it too.
        var schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        return (schema, JsonDocument.Parse(text));
    }

    private static (string Message, string? Fix) Describe(string keyword, string libraryMessage, string pointer, JsonElement? rule, JsonElement manifest)
    {
        var where = pointer.Length == 0 ? "pack.json" : pointer;
        var hint = rule is { } r && r.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        switch (keyword)
        {
            case "" when rule is { } parent && parent.TryGetProperty("properties", out var properties):
                // additionalProperties: false reports the extra member itself.
                var allowed = new List<string>();
                foreach (var member in properties.EnumerateObject())
                {
                    allowed.Add(member.Name);
                }

                var name = pointer[(pointer.LastIndexOf('/') + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                var suggestion = Closest(name, allowed);
                return ($"\"{name}\" is not a field here{(suggestion is null ? "" : $"; did you mean \"{suggestion}\"?")}",
                    $"Remove it or correct its spelling; allowed: {string.Join(", ", allowed)}.");
            case "required":
                return ($"{where} is missing {Between(libraryMessage, '[', ']')}", hint);
            case "enum" when rule is { } withEnum && withEnum.TryGetProperty("enum", out var values):
                var options = new List<string>();
                var names = new List<string>();
                foreach (var value in values.EnumerateArray())
                {
                    options.Add(value.GetRawText());
                    names.Add(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
                }

                var shown = Show(manifest, pointer);
                var guess = shown.StartsWith('"') ? Closest(shown.Trim('"'), names) : null;
                return ($"{where} is {shown}{(guess is null ? "" : $" (did you mean \"{guess}\"?)")}; it must be one of {string.Join(", ", options)}", hint);
            case "pattern" when rule is { } withPattern && withPattern.TryGetProperty("pattern", out var pattern):
                return ($"{where} is {Show(manifest, pointer)}, which does not match {pattern.GetString()}", hint);
            case "minLength":
                return ($"{where} must not be empty", hint);
            default:
                return ($"{where}: {libraryMessage}", hint);
        }
    }

    private static string Show(JsonElement manifest, string pointer)
    {
        var current = manifest;
        foreach (var token in pointer.Split('/')[1..])
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return "missing";
            }
        }

        var text = current.GetRawText();
        return text.Length > 60 ? text[..60] + "…" : text;
    }

    private static string Between(string text, char open, char close)
    {
        var start = text.IndexOf(open, StringComparison.Ordinal);
        var end = text.LastIndexOf(close);
        return start >= 0 && end > start ? "the required " + text[(start + 1)..end].Replace(",", ", ", StringComparison.Ordinal) : "a required field";
    }

    /// <summary>
    /// The deepest schema object along the location's fragment. JsonSchema.Net 8 sometimes appends a segment that is
    /// not in the schema (<c>#/$defs/tool/additionalProperties/tool</c>), so walking stops at the first miss.
    /// </summary>
    private static JsonElement? Navigate(JsonElement schema, Uri location)
    {
        var fragment = Uri.UnescapeDataString(location.Fragment.TrimStart('#'));
        var current = schema;
        foreach (var token in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(token, out var next) || next.ValueKind != JsonValueKind.Object)
            {
                break;
            }

            current = next;
        }

        return current;
    }

    private static string? Closest(string name, List<string> candidates)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in candidates)
        {
            var distance = Distance(name, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
