using System.Text.RegularExpressions;

namespace Reach.Packs.Validation;

/// <summary>Semantic Versioning 2.0.0 (semver.org): <c>MAJOR.MINOR.PATCH[-prerelease][+build]</c>.</summary>
public static partial class SemanticVersion
{
    /// <summary>True when <paramref name="text"/> is a SemVer 2.0.0 version string.</summary>
    public static bool IsValid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Pattern().IsMatch(text);
    }

    // semver.org's suggested expression, with [0-9] for \d (in .NET \d also matches other scripts' digits) and \z for $.
    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
