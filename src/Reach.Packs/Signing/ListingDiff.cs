namespace Reach.Packs.Signing;

/// <summary>Names the files that differ between a signed listing and the pack's current one.</summary>
internal static class ListingDiff
{
    public static string Describe(byte[] signed, byte[] actual)
    {
        var before = Read(signed);
        var after = Read(actual);
        var changes = new List<string>();
        foreach (var (path, digest) in after)
        {
            if (!before.TryGetValue(path, out var old))
            {
                changes.Add($"'{path}' was added");
            }
            else if (old != digest)
            {
                changes.Add($"'{path}' was changed");
            }
        }

        foreach (var path in before.Keys)
        {
            if (!after.ContainsKey(path))
            {
                changes.Add($"'{path}' was removed");
            }
        }

        changes.Sort(StringComparer.Ordinal);
        return changes.Count == 0 ? "the listing differs" : string.Join(", ", changes.Count > 5 ? [.. changes[..5], $"and {changes.Count - 5} more"] : changes);
    }

    private static Dictionary<string, string> Read(byte[] listing)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(listing);
            foreach (var file in document.RootElement.GetProperty("files").EnumerateArray())
            {
                files[file.GetProperty("path").GetString()!] = file.GetProperty("sha256").GetString()!;
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // A damaged listing names no files; the caller still reports the mismatch.
        }

        return files;
    }
}
