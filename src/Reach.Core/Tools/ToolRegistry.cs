namespace Reach.Core.Tools;

/// <summary>The tools an engine can call, by name.</summary>
public sealed class ToolRegistry
{
    private readonly Dictionary<string, ITool> _tools = new(StringComparer.Ordinal);

    /// <summary>Creates a registry holding <paramref name="tools"/>.</summary>
    public ToolRegistry(IEnumerable<ITool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        foreach (var tool in tools)
        {
            _tools.Add(tool.Name, tool);
        }

        Names = new SortedSet<string>(_tools.Keys, StringComparer.Ordinal);
    }

    /// <summary>The built-in tools.</summary>
    public static ToolRegistry BuiltIn { get; } = new([
        new EchoTool(), new JsonGetTool(), new TextTemplateTool(), new HashSha256Tool(),
        new FsReadTool(), new FsWriteTool(), new ProcExecTool(), new HttpGetTool(),
    ]);

    /// <summary>The names of the tools, sorted.</summary>
    public IReadOnlySet<string> Names { get; }

    /// <summary>The tool called <paramref name="name"/>, or null.</summary>
    public ITool? Find(string name) => _tools.GetValueOrDefault(name);
}
