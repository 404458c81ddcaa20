namespace Reach.Packs.Validation;

/// <summary>One problem <c>reach pack validate</c> found: the rule, where it is and what to do about it.</summary>
public sealed record PackFinding
{
    /// <summary>The rule that found it.</summary>
    public required PackRule Rule { get; init; }

    /// <summary>What is wrong, naming the values involved.</summary>
    public required string Message { get; init; }

    /// <summary>What to do; the rule's fix unless a more specific one applies.</summary>
    public required string Fix { get; init; }

    /// <summary>The JSON pointer into pack.json (<c>""</c> for the whole document), or null for a finding about another file.</summary>
    public string? Pointer { get; init; }

    /// <summary>Where the pointer's value is in pack.json, when known.</summary>
    public SourcePosition? Position { get; init; }

    /// <summary>The file the finding is about, relative to the pack (<c>pack.json</c> for the manifest).</summary>
    public string File { get; init; } = "pack.json";

    /// <summary>The finding's severity (the rule's).</summary>
    public FindingSeverity Severity => Rule.Severity;
}
