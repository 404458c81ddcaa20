using Reach.Core.Errors;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Runner;

/// <summary>
/// A tool a session's pack declares that is not a Reach built-in: the agent runs it itself and sends its result, which
/// the runner gates and records. The runner can never execute it.
/// </summary>
internal sealed class ClientTool(string name) : ITool
{
    public string Name { get; } = name;

    // The pack's declaration grants what it grants; the policy gate, not a built-in list, decides what it may do.
    public IReadOnlyList<string> RequiredPermissions => [];

    public bool Deterministic => false;

    public JsonElement Execute(JsonElement input, ToolContext context) =>
        throw new ToolException(ErrorCatalog.RunnerClientToolNeedsResult, $"'{Name}' is run by the client; the runner has no implementation to execute.");

    /// <summary>
    /// Loads a pack for a runner session: its tools may be built-ins or tools the client runs (any other declared
    /// name), and returns the registry that knows both.
    /// </summary>
    public static (LoadedPack Pack, ToolRegistry Tools) LoadPack(string directory)
    {
        var declared = DeclaredNames(directory);
        var known = new HashSet<string>(ToolRegistry.BuiltIn.Names, StringComparer.Ordinal);
        known.UnionWith(declared);
        var pack = PackLoader.Load(directory, known);
        var clients = pack.Manifest.Tools.Where(t => !ToolRegistry.BuiltIn.Names.Contains(t.Name)).Select(t => (ITool)new ClientTool(t.Name)).ToList();
        if (clients.Count == 0)
        {
            return (pack, ToolRegistry.BuiltIn);
        }

        var all = ToolRegistry.BuiltIn.Names.Order(StringComparer.Ordinal).Select(n => ToolRegistry.BuiltIn.Find(n)!).Concat(clients);
        return (pack, new ToolRegistry(all));
    }

    /// <summary>True when the session's registry holds <paramref name="tool"/> as a client-run tool.</summary>
    public static bool IsClientTool(ToolRegistry tools, string tool) => tools.Find(tool) is ClientTool;

    // The names the manifest declares, read leniently: PackLoader does the real validation right after.
    private static List<string> DeclaredNames(string directory)
    {
        var names = new List<string>();
        var manifest = Path.Combine(Path.GetFullPath(directory), PackLoader.ManifestFile);
        if (!File.Exists(manifest))
        {
            return names;
        }

        try
        {
            // The strict reader: a lenient one would hand over names with lone surrogates, which no string can hold.
            var root = StrictJson.Parse(File.ReadAllBytes(manifest));
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
            {
                foreach (var tool in tools.EnumerateArray())
                {
                    if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                    {
                        names.Add(name.GetString()!);
                    }
                }
            }
        }
        catch (ReachException)
        {
            // PackLoader reports the malformed manifest with its code, line and column.
        }

        return names;
    }
}
