using Reach.Core.Errors;
using Reach.Core.Json;

namespace Reach.Core.Packs;

/// <summary>Reads and validates a pack directory; every problem is a coded error before anything runs.</summary>
public static class PackLoader
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFile = "pack.json";

    /// <summary>Loads the pack in <paramref name="directory"/>, checking its tools against <paramref name="knownTools"/>.</summary>
    public static LoadedPack Load(string directory, IReadOnlySet<string> knownTools)
    {
        ArgumentNullException.ThrowIfNull(knownTools);
        var full = Path.GetFullPath(directory);
        var manifestPath = Path.Combine(full, ManifestFile);
        if (!Directory.Exists(full) || !File.Exists(manifestPath))
        {
            throw new ReachException(ErrorCatalog.PackNotFound, $"No pack at '{directory}': {(Directory.Exists(full) ? "it has no pack.json" : "the directory does not exist")}.");
        }

        var manifest = Parse(File.ReadAllBytes(manifestPath), knownTools);
        return new LoadedPack(full, manifest, PackDigest.Compute(full));
    }

    /// <summary>Parses and validates manifest bytes.</summary>
    public static PackManifest Parse(ReadOnlySpan<byte> json, IReadOnlySet<string> knownTools)
    {
        ArgumentNullException.ThrowIfNull(knownTools);
        JsonElement root;
        try
        {
            // The strict reader `pack validate` agrees with: a leading BOM is skipped, a key twice, invalid UTF-8 and
            // lone surrogates are refused (docs/PACK_FORMAT.md).
            root = StrictJson.Parse(json);
        }
        catch (ReachException ex)
        {
            var line = ex.Details.TryGetValue("line", out var l) ? Convert.ToInt64(l, CultureInfo.InvariantCulture) : 1;
            var column = ex.Details.TryGetValue("column", out var c) ? Convert.ToInt64(c, CultureInfo.InvariantCulture) : 1;
            var details = new Dictionary<string, object?> { ["line"] = line, ["column"] = column };
            throw ex.Error == ErrorCatalog.JsonInvalid
                ? new ReachException(ErrorCatalog.ManifestInvalidJson, $"pack.json is not valid JSON at line {line}, column {column}{Cause(ex.Message)}.", ex) { Details = details }
                : new ReachException(ex.Error, $"pack.json: {ex.Message}", ex) { Details = details };
        }

        Require(root.ValueKind == JsonValueKind.Object, "", "must be an object");
        var name = String(root, "name", "");
        Require(name.Length > 0, "/name", "must not be empty");
        var version = String(root, "version", "");
        Require(version.Length > 0, "/version", "must not be empty");
        var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;

        var inputs = ParseInputs(root);
        var tools = ParseTools(root, knownTools);
        var steps = ParseSteps(root);
        var budgets = ParseBudgets(root);
        var manifest = new PackManifest
        {
            Name = name,
            Version = version,
            Description = description,
            Inputs = inputs,
            Tools = tools,
            Steps = steps,
            Budgets = budgets,
        };
        CheckReferences(manifest);
        return manifest;
    }

    // Invalid UTF-8 is a syntax error of its own kind; say so rather than only where.
    private static string Cause(string message) =>
        message.Contains("not valid UTF-8", StringComparison.Ordinal) ? " (the text is not valid UTF-8)" : "";

    private static List<InputDeclaration> ParseInputs(JsonElement root)
    {
        var inputs = new List<InputDeclaration>();
        if (!root.TryGetProperty("inputs", out var section))
        {
            return inputs;
        }

        Require(section.ValueKind == JsonValueKind.Object, "/inputs", "must be an object of input declarations");
        foreach (var member in section.EnumerateObject())
        {
            var pointer = $"/inputs/{member.Name}";
            Require(member.Value.ValueKind == JsonValueKind.Object, pointer, "must be an object");
            var type = String(member.Value, "type", pointer);
            Require(type is "string" or "number" or "integer" or "boolean" or "object" or "array", pointer + "/type", "must be string, number, integer, boolean, object or array");
            JsonElement? defaultValue = member.Value.TryGetProperty("default", out var dv) ? dv.Clone() : null;
            var required = member.Value.TryGetProperty("required", out var r) ? r.ValueKind == JsonValueKind.True : defaultValue is null;
            inputs.Add(new InputDeclaration
            {
                Name = member.Name,
                Type = type,
                Required = required,
                Default = defaultValue,
                Description = member.Value.TryGetProperty("description", out var desc) && desc.ValueKind == JsonValueKind.String ? desc.GetString() : null,
            });
        }

        return inputs;
    }

    private static List<ToolDeclaration> ParseTools(JsonElement root, IReadOnlySet<string> knownTools)
    {
        var tools = new List<ToolDeclaration>();
        Require(root.TryGetProperty("tools", out var section) && section.ValueKind == JsonValueKind.Array, "/tools", "must be an array of tool declarations");
        var index = 0;
        foreach (var item in section.EnumerateArray())
        {
            var pointer = $"/tools/{index++}";
            Require(item.ValueKind == JsonValueKind.Object, pointer, "must be an object");
            var name = String(item, "name", pointer);
            if (!knownTools.Contains(name))
            {
                throw new ReachException(ErrorCatalog.UnknownTool, $"pack.json{pointer}/name: '{name}' is not a tool Reach knows (known: {string.Join(", ", knownTools.Order(StringComparer.Ordinal))}).");
            }

            foreach (var existing in tools)
            {
                if (existing.Name == name)
                {
                    throw new ReachException(ErrorCatalog.DuplicateTool, $"pack.json{pointer}: the tool '{name}' is declared twice.");
                }
            }

            tools.Add(new ToolDeclaration
            {
                Name = name,
                Permissions = StringArray(item, "permissions", pointer),
                AllowHosts = StringArray(item, "allow_hosts", pointer),
                Cost = item.TryGetProperty("cost", out var cost) ? NonNegativeDecimal(cost, pointer + "/cost") : 0m,
            });
        }

        return tools;
    }

    private static List<StepDefinition> ParseSteps(JsonElement root)
    {
        var steps = new List<StepDefinition>();
        Require(root.TryGetProperty("steps", out var section) && section.ValueKind == JsonValueKind.Array, "/steps", "must be an array of steps");
        var index = 0;
        foreach (var item in section.EnumerateArray())
        {
            var pointer = $"/steps/{index++}";
            Require(item.ValueKind == JsonValueKind.Object, pointer, "must be an object");
            var id = String(item, "id", pointer);
            Require(id.Length > 0 && !id.Contains('.', StringComparison.Ordinal) && !id.Contains('}', StringComparison.Ordinal), pointer + "/id", "must be a non-empty name without '.' or '}'");
            foreach (var existing in steps)
            {
                if (existing.Id == id)
                {
                    throw new ReachException(ErrorCatalog.DuplicateStepId, $"pack.json{pointer}/id: the step id '{id}' is used twice.");
                }
            }

            var input = item.TryGetProperty("input", out var i) ? i.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
            steps.Add(new StepDefinition { Id = id, Tool = String(item, "tool", pointer), Input = input });
        }

        return steps;
    }

    private static Budgets ParseBudgets(JsonElement root)
    {
        if (!root.TryGetProperty("budgets", out var section))
        {
            return new Budgets();
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            throw new ReachException(ErrorCatalog.InvalidBudget, "pack.json/budgets must be an object.");
        }

        return Budgets.ReadManifest(section, static (name, expected) => new ReachException(ErrorCatalog.InvalidBudget, $"pack.json/budgets/{name} must be {expected}."));
    }

    private static void CheckReferences(PackManifest manifest)
    {
        for (var index = 0; index < manifest.Steps.Count; index++)
        {
            var step = manifest.Steps[index];
            foreach (var reference in CollectReferences(step.Input, step.Id))
            {
                if (!reference.IsStep)
                {
                    var declared = false;
                    foreach (var input in manifest.Inputs)
                    {
                        declared |= input.Name == reference.Name;
                    }

                    if (!declared)
                    {
                        throw new ReachException(ErrorCatalog.InvalidReference, $"Step '{step.Id}': ${{{reference.Expression}}} names the input '{reference.Name}', which the pack does not declare.");
                    }

                    continue;
                }

                var target = -1;
                for (var j = 0; j < manifest.Steps.Count; j++)
                {
                    if (manifest.Steps[j].Id == reference.Name)
                    {
                        target = j;
                    }
                }

                if (target < 0)
                {
                    throw new ReachException(ErrorCatalog.UnknownStepReference, $"Step '{step.Id}': ${{{reference.Expression}}} references the step '{reference.Name}', which does not exist.");
                }

                if (target >= index)
                {
                    throw new ReachException(ErrorCatalog.ForwardStepReference, $"Step '{step.Id}': ${{{reference.Expression}}} references {(target == index ? "the step itself" : $"the later step '{reference.Name}'")}; a step can only use earlier steps' outputs.");
                }
            }
        }
    }

    /// <summary>Every reference in a step input, in document order.</summary>
    public static List<Reference> CollectReferences(JsonElement input, string stepId)
    {
        var found = new List<Reference>();
        Collect(input);
        return found;

        void Collect(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    found.AddRange(Reference.FindAll(element.GetString()!, stepId));
                    break;
                case JsonValueKind.Object:
                    foreach (var member in element.EnumerateObject())
                    {
                        Collect(member.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item);
                    }

                    break;
                default:
                    break;
            }
        }
    }

    private static string String(JsonElement obj, string name, string pointer)
    {
        Require(obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String, $"{pointer}/{name}", "is required and must be a string");
        return value.GetString()!;
    }

    private static List<string> StringArray(JsonElement obj, string name, string pointer)
    {
        var list = new List<string>();
        if (!obj.TryGetProperty(name, out var value))
        {
            return list;
        }

        Require(value.ValueKind == JsonValueKind.Array, $"{pointer}/{name}", "must be an array of strings");
        foreach (var item in value.EnumerateArray())
        {
            Require(item.ValueKind == JsonValueKind.String, $"{pointer}/{name}", "must be an array of strings");
            list.Add(item.GetString()!);
        }

        return list;
    }

    private static decimal NonNegativeDecimal(JsonElement value, string pointer)
    {
        Require(value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d >= 0, pointer, "must be a non-negative number");
        return value.GetDecimal();
    }

    private static void Require(bool condition, string pointer, string problem)
    {
        if (!condition)
        {
            throw new ReachException(ErrorCatalog.ManifestInvalid, $"pack.json{(pointer.Length == 0 ? "" : pointer)} {problem}.")
            {
                Details = new Dictionary<string, object?> { ["pointer"] = pointer },
            };
        }
    }
}
