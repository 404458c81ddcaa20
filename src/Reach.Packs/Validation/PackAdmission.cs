namespace Reach.Packs.Validation;

/// <summary>
/// The one check <c>reach run</c>, <c>reach pack sign</c> and <c>reach pack publish</c> make before they act: the
/// findings of <c>reach pack validate</c>. Errors refuse, with each finding; warnings pass.
/// </summary>
public static class PackAdmission
{
    /// <summary>Validates the pack at <paramref name="directory"/>; throws REACH-5001 naming each error when there is one.</summary>
    /// <param name="directory">The pack directory.</param>
    /// <param name="action">What would be done with it, for the message ("run", "signed", "published").</param>
    public static ValidationReport Require(string directory, string action)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var report = PackValidator.Validate(directory);
        var blocking = report.Errors.Where(e => !e.Rule.RefusedAtRunTime).ToList();
        if (blocking.Count == 0)
        {
            return report;
        }

        var findings = string.Join("; ", blocking.Select(e => $"{e.Rule.Id} {Location(e)}: {e.Message}"));
        var count = blocking.Count == 1 ? "a validation error" : string.Create(CultureInfo.InvariantCulture, $"{blocking.Count} validation errors");
        throw new ReachException(ErrorCatalog.PackValidationFailed, $"The pack has {count}, so it is not {action}: {findings}.")
        {
            Details = new Dictionary<string, object?>
            {
                ["errors"] = blocking.Count,
                ["rules"] = string.Join(",", blocking.Select(e => e.Rule.Id).Distinct(StringComparer.Ordinal)),
            },
        };
    }

    private static string Location(PackFinding finding)
    {
        var place = finding.Position is { } p ? string.Create(CultureInfo.InvariantCulture, $"{finding.File}:{p.Line}:{p.Column}") : finding.File;
        return finding.Pointer is { Length: > 0 } pointer ? $"{place} {pointer}" : place;
    }
}
