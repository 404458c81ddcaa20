namespace Reach.Cli;

/// <summary>
/// The one <c>--quiet</c> rule (docs/CLI.md, "Output"): errors, always, on stderr; and a command's requested output,
/// the product a script captures; nothing else. These commands print such a product on stdout.
/// </summary>
internal static class QuietOutput
{
    /// <summary>The commands (as typed after <c>reach</c>) whose stdout is their product, printed under <c>--quiet</c> too.</summary>
    public static readonly IReadOnlySet<string> Products = new HashSet<string>(StringComparer.Ordinal)
    {
        "canonicalize",
        "help",
        "key export",
        "token create",
    };
}
