using Reach.Core.Packs;

namespace Reach.Core.Gates;

/// <summary>A proposed tool call, as the gates see it.</summary>
public sealed record ToolCallRequest
{
    /// <summary>The tool's name.</summary>
    public required string Tool { get; init; }

    /// <summary>The permissions the tool needs (empty for a tool Reach does not know).</summary>
    public required IReadOnlyList<string> RequiredPermissions { get; init; }

    /// <summary>The pack's declaration of the tool, or null when the pack does not declare it.</summary>
    public ToolDeclaration? Declaration { get; init; }

    /// <summary>The resolved input.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>The pack (or session) the call belongs to.</summary>
    public required PackManifest Pack { get; init; }

    /// <summary>The step's id, for pack runs.</summary>
    public string? StepId { get; init; }

    /// <summary>The step's index from 0.</summary>
    public long StepIndex { get; init; }

    /// <summary>What the run has spent before this call.</summary>
    public required BudgetUsage Usage { get; init; }

    /// <summary>The run's inputs (undefined when the caller has none).</summary>
    public JsonElement Inputs { get; init; }

    /// <summary>The key id of the pack's signer, or null for an unsigned pack.</summary>
    public string? SignerKeyId { get; init; }

    /// <summary>The permitted calls so far, per tool, in the order each tool was first called.</summary>
    public IReadOnlyList<ToolTally> Tallies { get; init; } = [];
}
