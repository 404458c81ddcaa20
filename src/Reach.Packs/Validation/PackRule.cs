namespace Reach.Packs.Validation;

/// <summary>A validation rule: a stable id (<c>PACK001</c>), its severity, what it asks for and the usual fix.</summary>
/// <param name="Id">The stable id; it never changes meaning.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Title">What the rule asks for, in a few words.</param>
/// <param name="Fix">The usual fix.</param>
public sealed record PackRule(string Id, FindingSeverity Severity, string Title, string Fix)
{
    /// <summary>
    /// True for an error the run-time gates refuse and record on their own (an undeclared tool, a missing permission,
    /// no allowed host): such a pack fails safe, so <see cref="PackAdmission"/> lets it run, sign and publish.
    /// </summary>
    public bool RefusedAtRunTime { get; init; }
}
