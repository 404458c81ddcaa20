using System.Text.RegularExpressions;

namespace Reach.Mcp.Connectors;

/// <summary>The connector registry under <c>REACH_HOME/connectors/&lt;name&gt;/</c>: <c>connector.json</c> and <c>pins.json</c>.</summary>
public sealed partial class ConnectorStore
{
    /// <summary>Opens the registry of the REACH_HOME at <paramref name="home"/>.</summary>
    public ConnectorStore(string home)
    {
        Root = Path.Combine(home, "connectors");
    }

    /// <summary>The registry's directory.</summary>
    public string Root { get; }

    /// <summary>Checks a connector name, or throws REACH-6001.</summary>
    public static string CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ReachException(ErrorCatalog.McpConnectorNameInvalid, $"'{name}' is not a connector name: use 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
        }

        return name;
    }

    /// <summary>Adds <paramref name="connector"/>; REACH-6003 when the name is taken.</summary>
    public void Add(Connector connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        CheckName(connector.Name);
        if ((connector.Command is null) == (connector.Url is null))
        {
            throw new ReachException(ErrorCatalog.McpConnectorTargetInvalid, "A connector needs either a command or a URL, not both and not neither.");
        }

        if (connector.Url is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ReachException(ErrorCatalog.McpConnectorTargetInvalid, $"'{url}' is not an http(s) URL.");
        }

        foreach (var variable in connector.Env)
        {
            if (!EnvPattern().IsMatch(variable))
            {
                throw new ReachException(ErrorCatalog.McpConnectorTargetInvalid, $"'{variable}' is not an environment variable name; --env takes a NAME, never a value.");
            }
        }

        var directory = Path.Combine(Root, connector.Name);
        if (File.Exists(Path.Combine(directory, "connector.json")))
        {
            throw new ReachException(ErrorCatalog.McpConnectorExists, $"A connector named '{connector.Name}' exists already.");
        }

        Directory.CreateDirectory(directory);
        Write(Path.Combine(directory, "connector.json"), JsonSerializer.SerializeToUtf8Bytes(connector, McpJsonContext.Default.Connector));
    }

    /// <summary>The connector called <paramref name="name"/>; REACH-6002 when there is none.</summary>
    public Connector Get(string name)
    {
        var path = Path.Combine(Root, CheckName(name), "connector.json");
        if (!File.Exists(path))
        {
            throw new ReachException(ErrorCatalog.McpConnectorNotFound, $"No connector named '{name}'.");
        }

        return Read(path, McpJsonContext.Default.Connector) ?? throw Corrupt(path);
    }

    /// <summary>The connectors, sorted by name.</summary>
    public IReadOnlyList<Connector> List()
    {
        var result = new List<Connector>();
        if (!Directory.Exists(Root))
        {
            return result;
        }

        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var path = Path.Combine(directory, "connector.json");
            if (File.Exists(path) && Read(path, McpJsonContext.Default.Connector) is { } connector)
            {
                result.Add(connector);
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    /// <summary>Removes the connector and its pins; REACH-6002 when there is none.</summary>
    public void Remove(string name)
    {
        Get(name);
        Directory.Delete(Path.Combine(Root, name), recursive: true);
    }

    /// <summary>Stores the pins of a connector, replacing earlier ones.</summary>
    public void SavePins(ConnectorPins pins)
    {
        ArgumentNullException.ThrowIfNull(pins);
        Get(pins.Connector);
        Write(PinsPath(pins.Connector), JsonSerializer.SerializeToUtf8Bytes(pins, McpJsonContext.Default.ConnectorPins));
    }

    /// <summary>The pins of a connector, or null when it was never pinned.</summary>
    public ConnectorPins? FindPins(string name)
    {
        var path = PinsPath(CheckName(name));
        return File.Exists(path) ? Read(path, McpJsonContext.Default.ConnectorPins) ?? throw Corrupt(path) : null;
    }

    /// <summary>The pins of a connector; REACH-6007 when it was never pinned.</summary>
    public ConnectorPins GetPins(string name) =>
        FindPins(name) ?? throw new ReachException(ErrorCatalog.McpNotPinned, $"The connector '{name}' has no pins; run 'reach connector pin {name}' first.");

    /// <summary>The path of a connector's pins file.</summary>
    public string PinsPath(string name) => Path.Combine(Root, name, "pins.json");

    private static T? Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), type);
        }
        catch (JsonException ex)
        {
            throw new ReachException(ErrorCatalog.McpConnectorCorrupt, $"'{path}' cannot be read: {ex.Message}");
        }
    }

    private static void Write(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    private static ReachException Corrupt(string path) => new(ErrorCatalog.McpConnectorCorrupt, $"'{path}' holds no connector data.");

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvPattern();
}
