using System.Text.Json.Nodes;
using Reach.Core.Hashing;
using Reach.Core.Json;

namespace Reach.Mcp.Connectors;

/// <summary>
/// What of a tool is pinned: its name, description, input schema and annotations, taken from the server's
/// <c>tools/list</c> entry as sent. The digest is the SHA-256 of that projection's RFC 8785 canonical form, so a
/// change of any of them (a rug pull, a poisoned description) changes the digest; layout and key order do not.
/// </summary>
public static class ToolDefinition
{
    private static readonly string[] Pinned = ["name", "description", "inputSchema", "annotations"];

    /// <summary>The pinned projection of a <c>tools/list</c> entry, or null when it has no string name.</summary>
    public static JsonElement? Project(JsonNode? tool)
    {
        if (tool is not JsonObject obj || obj["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        var projection = new JsonObject();
        foreach (var member in Pinned)
        {
            if (obj.TryGetPropertyValue(member, out var value))
            {
                projection[member] = value?.DeepClone();
            }
        }

        using var document = JsonDocument.Parse(projection.ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>The digest of a projection; throws a <see cref="ReachException"/> when canonical JSON cannot hold it.</summary>
    public static string Digest(JsonElement projection) => Sha256Digest.Compute(CanonicalJson.Canonicalize(projection)).ToString();

    /// <summary>The tool's name in a projection.</summary>
    public static string Name(JsonElement projection) => projection.GetProperty("name").GetString()!;

    /// <summary>
    /// The permissions a tool needs, read from its annotations with MCP's defaults (readOnlyHint false,
    /// destructiveHint true, openWorldHint true): <c>mcp:read</c> or <c>mcp:write</c>, plus <c>mcp:destructive</c>
    /// and <c>mcp:open-world</c> when they apply. Annotations are the server's claims: policies use them to narrow.
    /// </summary>
    public static IReadOnlyList<string> Permissions(JsonElement projection)
    {
        var readOnly = Hint(projection, "readOnlyHint") ?? false;
        var destructive = Hint(projection, "destructiveHint") ?? true;
        var openWorld = Hint(projection, "openWorldHint") ?? true;
        var permissions = new List<string>(3) { readOnly ? McpPermissions.Read : McpPermissions.Write };
        if (!readOnly && destructive)
        {
            permissions.Add(McpPermissions.Destructive);
        }

        if (openWorld)
        {
            permissions.Add(McpPermissions.OpenWorld);
        }

        return permissions;
    }

    /// <summary>A risk level from the permissions: low (reads a closed world), medium, or high (destructive or writes to an open world).</summary>
    public static string Risk(IReadOnlyList<string> permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        var write = permissions.Contains(McpPermissions.Write);
        var open = permissions.Contains(McpPermissions.OpenWorld);
        if (permissions.Contains(McpPermissions.Destructive) || (write && open))
        {
            return "high";
        }

        return write || open ? "medium" : "low";
    }

    /// <summary>The names of the tool's input properties, and which are required.</summary>
    public static (IReadOnlyList<string> Properties, IReadOnlyList<string> Required) Arguments(JsonElement projection)
    {
        var properties = new List<string>();
        var required = new List<string>();
        if (projection.TryGetProperty("inputSchema", out var schema) && schema.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in props.EnumerateObject())
                {
                    properties.Add(property.Name);
                }
            }

            if (schema.TryGetProperty("required", out var req) && req.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in req.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        required.Add(item.GetString()!);
                    }
                }
            }
        }

        return (properties, required);
    }

    private static bool? Hint(JsonElement projection, string name) =>
        projection.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
            && annotations.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.ValueKind == JsonValueKind.True
            : null;
}

/// <summary>The permissions the gateway derives from MCP tool annotations, for <c>match.permissions</c> in policies.</summary>
public static class McpPermissions
{
    /// <summary>readOnlyHint: the tool only reads.</summary>
    public const string Read = "mcp:read";

    /// <summary>Not read-only: the tool may change its environment.</summary>
    public const string Write = "mcp:write";

    /// <summary>destructiveHint (the default for a tool that writes): it may delete or overwrite.</summary>
    public const string Destructive = "mcp:destructive";

    /// <summary>openWorldHint (the default): it reaches beyond a closed set of entities (the web, other people).</summary>
    public const string OpenWorld = "mcp:open-world";
}
