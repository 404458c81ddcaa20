using Reach.Core.Hashing;

namespace Reach.Core.Packs;

/// <summary>A pack's manifest (<c>pack.json</c>), validated; <see cref="PackLoader"/> builds it.</summary>
public sealed record PackManifest
{
    /// <summary>The pack's name.</summary>
    public required string Name { get; init; }

    /// <summary>The pack's version.</summary>
    public required string Version { get; init; }

    /// <summary>What the pack does.</summary>
    public string? Description { get; init; }

    /// <summary>The inputs a run accepts.</summary>
    public IReadOnlyList<InputDeclaration> Inputs { get; init; } = [];

    /// <summary>The tools the pack declares.</summary>
    public IReadOnlyList<ToolDeclaration> Tools { get; init; } = [];

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<StepDefinition> Steps { get; init; } = [];

    /// <summary>The limits.</summary>
    public Budgets Budgets { get; init; } = new();

    /// <summary>The declaration of <paramref name="tool"/>, or null when the pack does not declare it.</summary>
    public ToolDeclaration? FindTool(string tool)
    {
        foreach (var declaration in Tools)
        {
            if (declaration.Name == tool)
            {
                return declaration;
            }
        }

        return null;
    }
}

/// <summary>A pack read from disk: where it is, its manifest and its digest.</summary>
/// <param name="Directory">The pack's directory.</param>
/// <param name="Manifest">The validated manifest.</param>
/// <param name="Digest">The pack digest over all its files.</param>
public sealed record LoadedPack(string Directory, PackManifest Manifest, Sha256Digest Digest);
