namespace Reach.Core.Packs;

/// <summary>Durations written as a whole number and a unit: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>.</summary>
public static class DurationText
{
    /// <summary>Parses a duration; false for anything else.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        ArgumentNullException.ThrowIfNull(text);
        var (digits, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 1L),
            _ when text.EndsWith('s') => (text[..^1], 1000L),
            _ when text.EndsWith('m') => (text[..^1], 60_000L),
            _ when text.EndsWith('h') => (text[..^1], 3_600_000L),
            _ => (string.Empty, 0L),
        };
        if (scale == 0 || digits.Length == 0 || digits.Length > 9 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(value * scale);
        return true;
    }

    /// <summary>Writes a duration in milliseconds, e.g. <c>1500ms</c>.</summary>
    public static string Format(TimeSpan duration) => ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    /// <summary>Writes a duration in the largest whole unit, as pack.json spells it: <c>2h</c>, <c>5m</c>, <c>30s</c>, else <c>250ms</c>.</summary>
    public static string FormatWhole(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        return ms switch
        {
            > 0 when ms % 3_600_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000}h"),
            > 0 when ms % 60_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000}m"),
            > 0 when ms % 1000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000}s"),
            _ => Format(duration),
        };
    }
}
