using Reach.Core.Hashing;
using Reach.Core.Json;

namespace Reach.Packs.Signing;

/// <summary>
/// What a pack signature asserts, carried in minisign's trusted comment as canonical JSON
/// <c>{"digest":"sha256:…","name":N,"type":"reach-pack/1","version":V}</c>: this name and version have this digest.
/// </summary>
/// <param name="Name">The pack's name.</param>
/// <param name="Version">The pack's version.</param>
/// <param name="Digest">The pack digest.</param>
public sealed record PackStatement(string Name, string Version, Sha256Digest Digest)
{
    /// <summary>The statement's type tag.</summary>
    public const string Type = "reach-pack/1";

    /// <summary>The trusted comment text (one line).</summary>
    public string ToTrustedComment()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("digest", Digest.ToString());
            writer.WriteString("name", Name);
            writer.WriteString("type", Type);
            writer.WriteString("version", Version);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(CanonicalJson.Canonicalize(buffer.WrittenSpan));
    }

    /// <summary>Reads a trusted comment; null when it is not a pack statement.</summary>
    public static PackStatement? TryParse(string trustedComment)
    {
        try
        {
            using var document = JsonDocument.Parse(trustedComment);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == Type
                && root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                && root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String
                && root.TryGetProperty("digest", out var digest) && digest.ValueKind == JsonValueKind.String
                && Sha256Digest.TryParse(digest.GetString().AsSpan(), out var parsed))
            {
                return new PackStatement(name.GetString()!, version.GetString()!, parsed);
            }
        }
        catch (JsonException)
        {
            // Not JSON: not a statement.
        }

        return null;
    }
}
