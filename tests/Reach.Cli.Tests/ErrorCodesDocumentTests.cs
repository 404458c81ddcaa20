using Reach.Core.Errors;

namespace Reach.Cli.Tests;

public class ErrorCodesDocumentTests
{
    private const string Header = "| code | kind | exit | what went wrong | fix |";

    [Fact]
    public void The_error_codes_document_lists_exactly_the_catalogue()
    {
        var path = Path.Combine(Repository.Root, "docs", "ERROR_CODES.md");
        if (Environment.GetEnvironmentVariable("REACH_UPDATE_DOCS") == "1")
        {
            // Regenerates the table from the catalogue; the prose above the table is kept.
            var text = File.ReadAllText(path);
            var table = new System.Text.StringBuilder(Header + "\n|---|---|---|---|---|\n");
            foreach (var e in ErrorCatalog.All)
            {
                table.Append(System.Globalization.CultureInfo.InvariantCulture, $"| {e.Code} | {e.Kind.ToString().ToLowerInvariant()} | {e.ExitCode} | {e.Title} | {e.Fix.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
            }

            File.WriteAllText(path, text[..text.IndexOf(Header, StringComparison.Ordinal)] + table);
        }

        var lines = File.ReadAllLines(path);
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
