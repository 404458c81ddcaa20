namespace Reach.Packs.Validation;

/// <summary>One thing a pack can do, in plain words, with its risk.</summary>
public sealed record Capability
{
    /// <summary>A stable key: <c>runs_processes</c>, <c>writes_files</c>, <c>reads_files</c>, <c>reaches_hosts</c>, <c>computes</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The sentence a user reads, e.g. "runs programs: wc".</summary>
    public required string Summary { get; init; }

    /// <summary>The risk of this capability.</summary>
    public required RiskLevel Risk { get; init; }

    /// <summary>The declared tools that give it.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>What the steps name: programs, paths or hosts (a reference stays as written, e.g. <c>${inputs.path}</c>).</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];
}
