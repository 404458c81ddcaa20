namespace Reach.Core.Packs;

/// <summary>A tool the pack declares: its name, the permissions it is granted and its cost per call.</summary>
public sealed record ToolDeclaration
{
    /// <summary>The tool's name, e.g. <c>fs.read</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The permissions granted to this tool, e.g. <c>fs:read</c>.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>The cost of one call, in the pack's declared units.</summary>
    public decimal Cost { get; init; }

    /// <summary>For network tools: the hosts the tool may reach.</summary>
    public IReadOnlyList<string> AllowHosts { get; init; } = [];
}
