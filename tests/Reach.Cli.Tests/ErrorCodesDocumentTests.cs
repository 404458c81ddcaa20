using Reach.Core.Errors;

namespace Reach.Cli.Tests;

public class ErrorCodesDocumentTests
{
    [Fact]
    public void The_error_codes_document_lists_exactly_the_catalogue()
    {
        var lines = File.ReadAllLines(Path.Combine(ReachProcess.RepoRoot, "docs", "ERROR_CODES.md"));
        var documented = new List<string>();
        foreach (var line in lines)
        {
            if (!line.StartsWith("| REACH-", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Trim('|').Split(" | ");
            documented.Add(string.Join(" | ", cells.Select(c => c.Trim().Replace("\\|", "|", StringComparison.Ordinal))));
        }

        var catalogue = ErrorCatalog.All
            .Select(e => string.Join(" | ", e.Code, e.Kind.ToString().ToLowerInvariant(), e.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Title, e.Fix))
            .ToList();
        Assert.Equal(catalogue, documented);
    }

    [Fact]
    public void Catalogue_codes_are_unique_and_well_formed()
    {
        var codes = ErrorCatalog.All.Select(e => e.Code).ToList();
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^REACH-[0-9]{4}$", c));
    }
}
