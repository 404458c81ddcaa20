namespace Reach.Cli;

/// <summary>"1 step", "2 steps": a count with its noun in the right number.</summary>
internal static class Plural
{
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}
