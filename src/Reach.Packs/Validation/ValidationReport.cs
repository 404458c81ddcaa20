namespace Reach.Packs.Validation;

/// <summary>What <c>reach pack validate</c> found: schema and lint findings, and the permission audit.</summary>
public sealed record ValidationReport
{
    /// <summary>The pack's directory, as a full path.</summary>
    public required string Directory { get; init; }

    /// <summary>The pack's name, when the manifest has one.</summary>
    public string? Name { get; init; }

    /// <summary>The pack's version, when the manifest has one.</summary>
    public string? Version { get; init; }

    /// <summary>Every finding: schema findings first, then lint findings in pack.json order, then file findings.</summary>
    public required IReadOnlyList<PackFinding> Findings { get; init; }

    /// <summary>The audit, or null when the manifest is too broken to tell what the pack does.</summary>
    public PackAudit? Audit { get; init; }

    /// <summary>The findings that fail validation.</summary>
    public IReadOnlyList<PackFinding> Errors => [.. Findings.Where(f => f.Severity == FindingSeverity.Error)];

    /// <summary>The findings that do not.</summary>
    public IReadOnlyList<PackFinding> Warnings => [.. Findings.Where(f => f.Severity == FindingSeverity.Warning)];

    /// <summary>True when there is no error (warnings allowed).</summary>
    public bool Ok => Errors.Count == 0;
}
