namespace Reach.Cli;

/// <summary>The options every command takes.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print one JSON document on stdout and nothing else", Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print only errors", Recursive = true };
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Print timings, and stack traces of internal errors", Recursive = true };
    public static readonly Option<bool> NoColor = new("--no-color") { Description = "Plain output without colors (also NO_COLOR)", Recursive = true };
}
