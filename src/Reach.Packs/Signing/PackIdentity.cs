using Reach.Core.Packs;

namespace Reach.Packs.Signing;

/// <summary>What signing and registries read from <c>pack.json</c>: name, version, description and tags.</summary>
/// <param name="Name">The pack's name.</param>
/// <param name="Version">The pack's version.</param>
/// <param name="Description">What it does, if it says.</param>
/// <param name="Tags">Its tags, if any.</param>
public sealed record PackIdentity(string Name, string Version, string? Description, IReadOnlyList<string> Tags)
{
    /// <summary>Reads the identity of the pack in <paramref name="directory"/>.</summary>
    /// <exception cref="ReachException">REACH-2001, REACH-2002 or REACH-2003 when there is no usable pack.json.</exception>
    public static PackIdentity Read(string directory)
    {
        var path = Path.Combine(directory, PackLoader.ManifestFile);
        if (!File.Exists(path))
        {
            throw new ReachException(ErrorCatalog.PackNotFound, $"No pack at '{directory}': {(Directory.Exists(directory) ? "it has no pack.json" : "the directory does not exist")}.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("", "must be an object");
            }

            var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } nv ? nv : throw Invalid("/name", "is required and must be a non-empty string");
            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } vv ? vv : throw Invalid("/version", "is required and must be a non-empty string");
            var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var tags = new List<string>();
            if (root.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array)
            {
                foreach (var tag in t.EnumerateArray())
                {
                    if (tag.ValueKind == JsonValueKind.String)
                    {
                        tags.Add(tag.GetString()!);
                    }
                }
            }

            return new PackIdentity(name, version, description, tags);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            throw new ReachException(ErrorCatalog.ManifestInvalidJson, $"pack.json is not valid JSON at line {line}, column {column}.")
            {
                Details = new Dictionary<string, object?> { ["line"] = line, ["column"] = column },
            };
        }
    }

    private static ReachException Invalid(string pointer, string problem) =>
        new(ErrorCatalog.ManifestInvalid, $"pack.json{pointer} {problem}.") { Details = new Dictionary<string, object?> { ["pointer"] = pointer } };
}
