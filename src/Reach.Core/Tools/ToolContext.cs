using Reach.Core.Packs;

namespace Reach.Core.Tools;

/// <summary>What a tool may use while it runs: the workspace and its declaration.</summary>
public sealed class ToolContext
{
    /// <summary>Creates a context.</summary>
    public ToolContext(Workspace? workspace, ToolDeclaration? declaration)
    {
        Workspace = workspace;
        Declaration = declaration;
    }

    /// <summary>The run's workspace (null for pure tools); file and process tools cannot leave it.</summary>
    public Workspace? Workspace { get; }

    /// <summary>The pack's declaration of the tool (permissions, allow-listed hosts).</summary>
    public ToolDeclaration? Declaration { get; }
}
