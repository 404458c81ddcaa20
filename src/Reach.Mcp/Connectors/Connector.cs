using System.Text.Json.Serialization;

namespace Reach.Mcp.Connectors;

/// <summary>
/// A registered MCP server: how to reach it (a command started over stdio, or a Streamable HTTP URL) and the names of
/// the environment variables passed to it. Only names are stored: values are read from the environment at start.
/// </summary>
public sealed record Connector
{
    /// <summary>The connector's name; its tools are called <c>&lt;name&gt;/&lt;tool&gt;</c> in policies.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The command of a stdio server (started with an argument list, never through a shell).</summary>
    [JsonPropertyName("command")]
    public string? Command { get; init; }

    /// <summary>The command's arguments.</summary>
    [JsonPropertyName("args")]
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The URL of a Streamable HTTP server.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>The environment variables passed from the user's environment to the server, by name only.</summary>
    [JsonPropertyName("env")]
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary><c>stdio</c> or <c>http</c>.</summary>
    [JsonIgnore]
    public string Transport => Url is null ? "stdio" : "http";
}

/// <summary>A pinned tool: its definition as the server gave it at pin time, and the digest of that definition.</summary>
public sealed record PinnedTool
{
    /// <summary>The tool's name on the server (without the connector prefix).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The digest (<c>sha256:…</c>) of the definition's canonical JSON (<see cref="ToolDefinition"/>).</summary>
    [JsonPropertyName("digest")]
    public required string Digest { get; init; }

    /// <summary>The definition: name, description, inputSchema and annotations, as pinned.</summary>
    [JsonPropertyName("definition")]
    public required JsonElement Definition { get; init; }
}

/// <summary>A connector's pins: what <c>reach connector pin</c> recorded.</summary>
public sealed record ConnectorPins
{
    /// <summary>The connector's name.</summary>
    [JsonPropertyName("connector")]
    public required string Connector { get; init; }

    /// <summary>The server's name and version as it announced them.</summary>
    [JsonPropertyName("server")]
    public string? Server { get; init; }

    /// <summary>The pinned tools, sorted by name.</summary>
    [JsonPropertyName("tools")]
    public required IReadOnlyList<PinnedTool> Tools { get; init; }

    /// <summary>The tool pinned under <paramref name="name"/>, or null.</summary>
    public PinnedTool? Find(string name)
    {
        foreach (var tool in Tools)
        {
            if (string.Equals(tool.Name, name, StringComparison.Ordinal))
            {
                return tool;
            }
        }

        return null;
    }
}

[JsonSerializable(typeof(Connector))]
[JsonSerializable(typeof(ConnectorPins))]
[JsonSerializable(typeof(Dictionary<string, string?>))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class McpJsonContext : JsonSerializerContext;
