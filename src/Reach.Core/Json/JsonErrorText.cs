namespace Reach.Core.Json;

/// <summary>
/// System.Text.Json's reader messages in plain words. Its text speaks of "depth", "isFinalBlock" and a 0-based
/// "LineNumber | BytePositionInLine" that contradicts the 1-based line and column Reach prints beside it.
/// </summary>
internal static class JsonErrorText
{
    /// <summary>What is wrong, without the reader's position suffix or its internal vocabulary.</summary>
    public static string Plain(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = exception.Message;
        var suffix = text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            text = text[..suffix];
        }

        text = text.TrimEnd().TrimEnd('.');
        if (text.StartsWith("Expected depth to be zero", StringComparison.Ordinal))
        {
            return "the text ends before every object and array is closed (a '}' or ']' is missing)";
        }

        if (text.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "there is no JSON value (the text is empty or only white space)";
        }

        if (text.Contains("reached end of data", StringComparison.Ordinal))
        {
            return "the text ends before the value is complete";
        }

        if (text.Contains("after a single JSON value", StringComparison.Ordinal))
        {
            return "there is more text after the JSON value (a JSON text holds one value)";
        }

        return text;
    }

    /// <summary>The 1-based line and column of a reader error.</summary>
    public static (int Line, int Column) Position(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return ((int)(exception.LineNumber ?? 0) + 1, (int)(exception.BytePositionInLine ?? 0) + 1);
    }
}
