using System.Globalization;

namespace Reach.Storage.Postgres;

/// <summary>
/// Turns what a user gives (<c>--database</c>, <c>REACH_DATABASE_URL</c>) into an Npgsql connection string: a
/// <c>postgres://user:pass@host:port/db?sslmode=require</c> URL (also <c>postgresql://</c>) or an Npgsql keyword
/// string (<c>Host=…;Username=…</c>), which is taken as it is.
/// </summary>
internal static class PostgresConnectionString
{
    /// <summary>Whether the value names a PostgreSQL database (a URL with the postgres scheme, or a keyword string with a host).</summary>
    public static bool IsPostgres(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsUrl(value))
        {
            return true;
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            return !string.IsNullOrEmpty(builder.Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The Npgsql connection string; throws <see cref="FormatException"/> on a malformed URL or keyword string.</summary>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsUrl(value))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(value).ConnectionString;
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"Not a PostgreSQL connection string: {ex.Message}", ex);
            }
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("Not a PostgreSQL URL: expected postgres://user:password@host:port/database.");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var text = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                switch (key.ToLowerInvariant())
                {
                    case "sslmode":
                        builder.SslMode = Enum.Parse<SslMode>(text.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
                        break;
                    case "connect_timeout":
                        builder.Timeout = int.Parse(text, CultureInfo.InvariantCulture);
                        break;
                    case "application_name":
                        builder.ApplicationName = text;
                        break;
                    default:
                        // Npgsql's own keywords, with '_' for a space (search_path, target_session_attrs, …).
                        builder[key.Replace('_', ' ')] = text;
                        break;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
            {
                throw new FormatException($"The URL parameter '{key}' is not understood: {ex.Message}", ex);
            }
        }

        return builder.ConnectionString;
    }

    private static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);
}
