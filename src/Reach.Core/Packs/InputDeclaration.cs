namespace Reach.Core.Packs;

/// <summary>A run input the pack accepts.</summary>
public sealed record InputDeclaration
{
    /// <summary>The input's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its JSON type: string, number, integer, boolean, object or array.</summary>
    public required string Type { get; init; }

    /// <summary>True when a run must supply it (it has no default).</summary>
    public bool Required { get; init; }

    /// <summary>The value used when a run does not supply one.</summary>
    public JsonElement? Default { get; init; }

    /// <summary>What it is for.</summary>
    public string? Description { get; init; }
}
