using Json.Schema;

namespace Reach.Core.Json;

/// <summary>One mistake a JSON Schema found, in Reach's words: where it is and what is allowed there.</summary>
/// <param name="Pointer">The JSON pointer of the offending value (<c>""</c> for the whole document).</param>
/// <param name="Message">What is wrong, naming the value and what is allowed.</param>
/// <param name="Hint">The schema's description of the place, when it has one: a fix more specific than the catalogue's.</param>
public sealed record SchemaError(string Pointer, string Message, string? Hint);

/// <summary>
/// A JSON Schema and the errors it finds in a document, one per real mistake. The pack manifest and the policy bundle
/// both report through here, so <c>reach pack validate</c>, <c>reach policy lint</c> and <c>reach policy eval</c> say
/// the same kind of thing in the same words.
/// </summary>
/// <remarks>
/// JsonSchema.Net reports every failed keyword of every branch: a condition that is none of a <c>oneOf</c>'s four
/// forms yields a "required" and a "false schema" error per form. Here a failed <c>oneOf</c>/<c>anyOf</c> is explained
/// by what failed beside it (a misspelt member) when anything did, else by the branch that came closest (fewest errors),
/// and a branch of a passing <c>oneOf</c> is never looked at.
/// </remarks>
public sealed class SchemaErrors
{
    private readonly JsonSchema _schema;
    private readonly JsonElement _document;
    private readonly string _documentName;

    private SchemaErrors(JsonSchema schema, JsonElement document, string documentName)
    {
        _schema = schema;
        _document = document;
        _documentName = documentName;
    }

    /// <summary>
    /// Builds from a schema's text, in a registry of its own (the global one refuses a second schema with the same
    /// $id); <paramref name="documentName"/> names the whole document in messages ("pack.json").
    /// </summary>
    public static SchemaErrors FromText(string text, string documentName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(documentName);
        return new(JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }), ParseSchema(text), documentName);
    }

    private static JsonElement ParseSchema(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The errors in <paramref name="instance"/>; empty when it is valid.</summary>
    public IReadOnlyList<SchemaError> Find(JsonElement instance)
    {
        var results = _schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid)
        {
            return [];
        }

        var errors = Collect(results, instance);
        return errors.Count > 0 ? errors : [new SchemaError(string.Empty, $"{_documentName} does not match its schema", null)];
    }

    private List<SchemaError> Collect(EvaluationResults node, JsonElement instance)
    {
        var found = new List<SchemaError>();
        if (node.IsValid)
        {
            return found;
        }

        var pointer = node.InstanceLocation.ToString();
        var rule = Navigate(_document, node.SchemaLocation);
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            // A combinator's own line repeats what its branches said, less precisely.
            if (keyword is "oneOf" or "anyOf" or "allOf" or "$ref")
            {
                continue;
            }

            var (text, hint) = Describe(keyword, message, pointer, rule, instance, InBranch(node), _documentName);
            found.Add(new SchemaError(pointer, text, hint));
        }

        var branches = new List<EvaluationResults>();
        foreach (var child in node.Details ?? [])
        {
            if (IsBranch(child))
            {
                branches.Add(child);
            }
            else
            {
                found.AddRange(Collect(child, instance));
            }
        }

        if (branches.Count > 0 && found.Count == 0)
        {
            List<SchemaError>? best = null;
            foreach (var branch in branches)
            {
                var candidate = Collect(branch, instance);
                if (candidate.Count > 0 && (best is null || candidate.Count < best.Count))
                {
                    best = candidate;
                }
            }

            if (best is not null)
            {
                var form = Navigate(_document, node.SchemaLocation) is { } r && r.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                found.AddRange(form is null ? best : best.Select(e => e with { Hint = e.Hint ?? form }));
            }
            else
            {
                var where = pointer.Length == 0 ? _documentName : pointer;
                found.Add(new SchemaError(pointer, $"{where} matches more than one of the forms allowed here", null));
            }
        }

        return found;
    }

    private static bool IsBranch(EvaluationResults node)
    {
        var path = node.EvaluationPath.ToString();
        var last = path.LastIndexOf('/');
        if (last <= 0 || !int.TryParse(path.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        var keyword = path[..last];
        return keyword.EndsWith("/oneOf", StringComparison.Ordinal) || keyword.EndsWith("/anyOf", StringComparison.Ordinal);
    }

    private static bool InBranch(EvaluationResults node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (IsBranch(current))
            {
                return true;
            }
        }

        return false;
    }

    private static (string Message, string? Hint) Describe(string keyword, string libraryMessage, string pointer, JsonElement? rule, JsonElement instance, bool inBranch, string documentName)
    {
        var where = pointer.Length == 0 ? documentName : pointer;
        var hint = rule is { } r && r.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var name = Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]);
        switch (keyword)
        {
            case "" when inBranch:
                // A member set to the false schema inside one form of a oneOf: it belongs to another form.
                return ($"\"{name}\" does not go with the other members of {Parent(pointer, documentName)}; use one form only", hint);
            case "" when rule is { } parent && parent.TryGetProperty("properties", out var properties):
                // additionalProperties: false reports the extra member itself.
                var allowed = new List<string>();
                foreach (var member in properties.EnumerateObject())
                {
                    allowed.Add(member.Name);
                }

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

                var shown = Show(instance, pointer);
                var guess = shown.StartsWith('"') ? Closest(shown.Trim('"'), names) : null;
                return ($"{where} is {shown}{(guess is null ? "" : $" (did you mean \"{guess}\"?)")}; it must be one of {string.Join(", ", options)}", hint);
            case "pattern" when rule is { } withPattern && withPattern.TryGetProperty("pattern", out var pattern):
                return ($"{where} is {Show(instance, pointer)}, which does not match {pattern.GetString()}", hint);
            case "minLength":
                return ($"{where} must not be empty", hint);
            case "type" when rule is { } withType && withType.TryGetProperty("type", out var type):
                return ($"{where} is {Show(instance, pointer)}; it must be {(type.ValueKind == JsonValueKind.String ? Article(type.GetString()!) : type.GetRawText())}", hint);
            case "minItems":
                return ($"{where} must not be an empty array", hint);
            default:
                return ($"{where}: {libraryMessage}", hint);
        }
    }

    private static string Article(string type) => type switch
    {
        "object" => "an object",
        "array" => "an array",
        "integer" => "an integer",
        _ => "a " + type,
    };

    private static string Parent(string pointer, string documentName)
    {
        var slash = pointer.LastIndexOf('/');
        return slash <= 0 ? documentName : pointer[..slash];
    }

    private static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static string Show(JsonElement instance, string pointer)
    {
        var current = instance;
        foreach (var token in pointer.Split('/')[1..])
        {
            var name = Unescape(token);
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
