using Reach.Core.Packs;

namespace Reach.Packs.Validation;

/// <summary>
/// A manifest that passed the schema, read into Core's records without the loader's checks, so the lint rules can
/// report every problem at once instead of the loader's first one.
/// </summary>
internal sealed record ManifestView
{
    public required JsonElement Root { get; init; }

    public required string Name { get; init; }

    public required string Version { get; init; }

    public IReadOnlyList<ToolDeclaration> Tools { get; init; } = [];

    public IReadOnlyList<StepDefinition> Steps { get; init; } = [];

    public IReadOnlyList<string> InputNames { get; init; } = [];

    public IReadOnlyList<string> Files { get; init; } = [];

    public Budgets? Budgets { get; init; }

    /// <summary>The first declaration of <paramref name="name"/>, or null.</summary>
    public ToolDeclaration? FindTool(string name)
    {
        foreach (var tool in Tools)
        {
            if (tool.Name == name)
            {
                return tool;
            }
        }

        return null;
    }

    /// <summary>Reads a document the schema accepted; shapes are therefore known.</summary>
    public static ManifestView Read(JsonElement root)
    {
        var tools = new List<ToolDeclaration>();
        foreach (var tool in root.GetProperty("tools").EnumerateArray())
        {
            tools.Add(new ToolDeclaration
            {
                Name = tool.GetProperty("name").GetString()!,
                Permissions = Strings(tool, "permissions"),
                AllowHosts = Strings(tool, "allow_hosts"),
                Cost = tool.TryGetProperty("cost", out var cost) && cost.TryGetDecimal(out var c) ? c : 0m,
            });
        }

        var steps = new List<StepDefinition>();
        foreach (var step in root.GetProperty("steps").EnumerateArray())
        {
            steps.Add(new StepDefinition
            {
                Id = step.GetProperty("id").GetString()!,
                Tool = step.GetProperty("tool").GetString()!,
                Input = step.TryGetProperty("input", out var input) ? input : default,
            });
        }

        var inputs = new List<string>();
        if (root.TryGetProperty("inputs", out var declared))
        {
            foreach (var member in declared.EnumerateObject())
            {
                inputs.Add(member.Name);
            }
        }

        return new ManifestView
        {
            Root = root,
            Name = root.GetProperty("name").GetString()!,
            Version = root.GetProperty("version").GetString()!,
            Tools = tools,
            Steps = steps,
            InputNames = inputs,
            Files = Strings(root, "files"),
            Budgets = root.TryGetProperty("budgets", out var budgets) ? ReadBudgets(budgets) : null,
        };
    }

    /// <summary>Every string in a step's input with its pointer below <c>/steps/N/input</c>.</summary>
    public static void Strings(JsonElement element, string pointer, List<(string Pointer, string Text)> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                found.Add((pointer, element.GetString()!));
                break;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    Strings(member.Value, pointer + "/" + JsonSourceMap.Escape(member.Name), found);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Strings(item, pointer + "/" + index.ToString(CultureInfo.InvariantCulture), found);
                    index++;
                }

                break;
            default:
                break;
        }
    }

    private static List<string> Strings(JsonElement element, string name)
    {
        var list = new List<string>();
        if (element.TryGetProperty(name, out var array))
        {
            foreach (var item in array.EnumerateArray())
            {
                list.Add(item.GetString()!);
            }
        }

        return list;
    }

    // Lenient: the validator reports a malformed limit; here it reads as no limit.
    private static Budgets ReadBudgets(JsonElement budgets) => budgets.ValueKind == JsonValueKind.Object ? Budgets.ReadManifest(budgets) : new Budgets();
}
