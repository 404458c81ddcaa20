using Reach.Core.Gates;

namespace Reach.Policy.Testing;

/// <summary>One test case: a call with its context, the expected effect and, optionally, the expected deciding rules and code.</summary>
public sealed record PolicyTestCase
{
    /// <summary>The case's name.</summary>
    public required string Name { get; init; }

    /// <summary>The file the case came from, and its pointer there.</summary>
    public required string Source { get; init; }

    /// <summary>The call.</summary>
    public required ToolCallRequest Call { get; init; }

    /// <summary>The expected effect.</summary>
    public required GateEffect Expect { get; init; }

    /// <summary>Rules that must be among the deciding rules (<c>"rule"</c>), or exactly the deciding rules (<c>"rules"</c>).</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>True when <see cref="Rules"/> must be the whole set of deciding rules.</summary>
    public bool ExactRules { get; init; }

    /// <summary>The expected code, if given.</summary>
    public string? Code { get; init; }
}

/// <summary>How one case went.</summary>
/// <param name="Case">The case.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Decision">The decision the bundle made.</param>
/// <param name="Failure">Why it failed, in words.</param>
public sealed record PolicyTestResult(PolicyTestCase Case, bool Passed, PolicyDecision Decision, string? Failure);
