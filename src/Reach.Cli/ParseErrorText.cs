using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Reach.Cli;

/// <summary>
/// Rewrites System.CommandLine's conversion errors ("Cannot parse argument 'abc' for option '--fsync-interval' as
/// expected type 'System.Nullable`1[System.Int32]'") in plain words: the option, what it expects, what was given.
/// Every typed option and argument of every command goes through here, so none leaks a .NET type name.
/// </summary>
internal static partial class ParseErrorText
{
    /// <summary>The error in plain words; other errors (a missing argument, an unknown option) keep their text.</summary>
    public static string Describe(ParseError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        // The message is the only place System.CommandLine 2.0 names the value, the symbol and the type together.
        var match = Conversion().Match(error.Message);
        if (!match.Success)
        {
            return error.Message;
        }

        var name = match.Groups["kind"].Value == "option" ? match.Groups["name"].Value : $"<{match.Groups["name"].Value}>";
        return $"{name} expects {Form(match.Groups["type"].Value)}; got '{match.Groups["value"].Value}'.";
    }

    private static string Form(string type)
    {
        // Nullable`1[System.Int32] and System.Int32 alike: the innermost type name decides.
        var inner = type.Contains('[', StringComparison.Ordinal) ? type[(type.LastIndexOf('[') + 1)..].TrimEnd(']') : type;
        return inner switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.UInt32" or "System.UInt64" or "System.UInt16" or "System.Byte" => "a whole number (digits only, e.g. 1000)",
            "System.Decimal" or "System.Double" or "System.Single" => "a number (e.g. 2.5)",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration (e.g. 00:00:30)",
            _ => EnumValues(inner) is { } values ? "one of " + values : "a value of another form (see --help)",
        };
    }

    private static string? EnumValues(string typeName)
    {
        var type = typeof(ParseErrorText).Assembly.GetType(typeName, throwOnError: false);
        return type is { IsEnum: true } ? string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())) : null;
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?<kind>option|command|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\.?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Conversion();
}
