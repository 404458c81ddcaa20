namespace Reach.Policy.Model;

/// <summary>What a rule applies to: tools, permissions and the pack; an empty part matches everything.</summary>
public sealed record RuleMatch
{
    /// <summary>Tool names or globs; empty matches any tool.</summary>
    public GlobPattern[] Tools { get; init; } = [];

    /// <summary>Matches when the tool needs at least one permission matching one of these; empty matches any tool.</summary>
    public GlobPattern[] Permissions { get; init; } = [];

    /// <summary>When set, matches when every permission the tool needs matches one of these.</summary>
    public GlobPattern[]? OnlyPermissions { get; init; }

    /// <summary>Pack names; empty matches any pack.</summary>
    public GlobPattern[] PackNames { get; init; } = [];

    /// <summary>Pack versions; empty matches any version.</summary>
    public GlobPattern[] PackVersions { get; init; } = [];

    /// <summary>Signer key ids; empty matches any pack, signed or not. A non-empty list never matches an unsigned pack.</summary>
    public GlobPattern[] Signers { get; init; } = [];
}
