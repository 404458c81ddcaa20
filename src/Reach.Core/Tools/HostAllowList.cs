namespace Reach.Core.Tools;

/// <summary>
/// Matches a URL against <c>allow_hosts</c>. An entry is <c>host</c> or <c>host:port</c> (IPv6 in brackets,
/// <c>[::1]:8080</c>); a bare host allows only the scheme's default port (80 for http, 443 for https), so allowing
/// <c>example.com</c> does not open every other service that listens on the same machine.
/// </summary>
internal static class HostAllowList
{
    /// <summary>True when an entry names the URL's host (case-insensitively) and its port.</summary>
    public static bool Allows(IReadOnlyList<string> entries, Uri uri)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(uri);
        foreach (var entry in entries)
        {
            if (TryParse(entry, out var host, out var port)
                && string.Equals(host, uri.Host, StringComparison.OrdinalIgnoreCase)
                && (port is { } p ? p == uri.Port : uri.IsDefaultPort))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParse(string entry, out string host, out int? port)
    {
        host = entry;
        port = null;
        var colon = entry.StartsWith('[') ? entry.IndexOf("]:", StringComparison.Ordinal) + 1 : entry.LastIndexOf(':');
        if (colon <= 0 || (!entry.StartsWith('[') && entry.IndexOf(':', StringComparison.Ordinal) != colon))
        {
            // No port (an unbracketed IPv6 address has several colons and never matches Uri.Host, which brackets it).
            return true;
        }

        host = entry[..colon];
        var digits = entry.AsSpan(colon + 1);
        if (digits.Length is 0 or > 5 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is 0 or > 65535)
        {
            return false;
        }

        port = n;
        return true;
    }
}
