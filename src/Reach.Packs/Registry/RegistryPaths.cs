namespace Reach.Packs.Registry;

/// <summary>Checks of paths and names that end up as paths inside a registry.</summary>
internal static class RegistryPaths
{
    public const string IndexFile = "index.json";

    /// <summary>A relative path with '/' separators, no empty, '.' or '..' segment: safe to join to the registry root.</summary>
    public static string Checked(string relative, string registry)
    {
        var ok = relative.Length > 0 && relative[0] != '/' && !relative.Contains('\\', StringComparison.Ordinal) && !relative.Contains(':', StringComparison.Ordinal) && !relative.Contains('\0', StringComparison.Ordinal);
        if (ok)
        {
            foreach (var segment in relative.Split('/'))
            {
                ok &= segment.Length > 0 && segment != "." && segment != "..";
            }
        }

        return ok ? relative : throw new ReachException(ErrorCatalog.RegistryInvalid, $"The registry '{registry}' names the path '{relative}', which leaves the registry.");
    }

    /// <summary>True for a name or version usable as one path segment.</summary>
    public static bool IsSegment(string text)
    {
        if (text.Length is 0 or > 128 || text[0] == '.' || text[0] == '-')
        {
            return false;
        }

        foreach (var ch in text)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch is not ('.' or '-' or '_' or '+'))
            {
                return false;
            }
        }

        return true;
    }

    public static RegistryIndex ParseIndex(byte[] bytes, string registry)
    {
        try
        {
            var index = JsonSerializer.Deserialize(bytes, RegistryJsonContext.Default.RegistryIndex);
            return index is { Format: 1 } ? index : throw new ReachException(ErrorCatalog.RegistryInvalid, $"The index of the registry '{registry}' has an unknown format.");
        }
        catch (JsonException ex)
        {
            throw new ReachException(ErrorCatalog.RegistryInvalid, $"The index of the registry '{registry}' is not valid: {ex.Message}");
        }
    }

    public static byte[] FormatIndex(RegistryIndex index) => JsonSerializer.SerializeToUtf8Bytes(index, RegistryJsonContext.Default.RegistryIndex);
}
