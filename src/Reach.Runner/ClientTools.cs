using Reach.Core.Errors;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Runner;

/// <summary>
/// Tools a session's pack declares that are not Reach built-ins: the agent runs them itself and sends each result,
/// which the runner gates and records (<see cref="Core.Engine.CallExecution.SuppliedBy"/>). The runner can never
/// execute them: it has no implementation, and a call of one without a result is refused (REACH-4010).
/// </summary>
internal static class ClientTools
{
    /// <summary>
    /// Loads a pack for a runner session: its tools may be built-ins or tools the client runs (any other declared
    /// name); the session executes with the built-in registry, which knows only the built-ins.
    /// </summary>
    public static (LoadedPack Pack, ToolRegistry Tools) LoadPack(string directory)
    {
        var known = new HashSet<string>(ToolRegistry.BuiltIn.Names, StringComparer.Ordinal);
        known.UnionWith(DeclaredNames(directory));
        return (PackLoader.Load(directory, known), ToolRegistry.BuiltIn);
    }

    /// <summary>True when the session's registry has no implementation of <paramref name="tool"/>: only the client can run it.</summary>
    public static bool IsClientTool(ToolRegistry tools, string tool) => tools.Find(tool) is null;

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
