namespace Reach.Policy.Lint;

/// <summary>How bad a lint finding is: errors fail <c>reach policy lint</c>, warnings do not.</summary>
public enum LintSeverity
{
    /// <summary>Worth a look.</summary>
    Warning,

    /// <summary>Must be fixed.</summary>
    Error,
}

/// <summary>One lint finding.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Check">Which check: schema, invalid-regex, compile, never-matches, shadowed-permit, duplicate-rule, undeclared-tool, over-broad-permit, limits-on-forbid.</param>
/// <param name="Pointer">The JSON pointer of the offending member.</param>
/// <param name="RuleId">The rule, when the finding is about one.</param>
/// <param name="Message">What is wrong and what to do.</param>
/// <param name="Code">The catalogue code, for compile errors.</param>
public sealed record LintFinding(LintSeverity Severity, string Check, string Pointer, string? RuleId, string Message, string? Code = null);
