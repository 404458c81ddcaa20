using System.Text.Json.Serialization;

namespace Reach.Packs.Registry;

/// <summary>One published version in a registry's <c>index.json</c>.</summary>
public sealed record RegistryEntry
{
    /// <summary>The pack's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The pack's version.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>What it does.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Its tags.</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The pack digest, <c>sha256:…</c>.</summary>
    [JsonPropertyName("digest")]
    public required string Digest { get; init; }

    /// <summary>The signer's key id.</summary>
    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }

    /// <summary>The archive's path in the registry (a gzip-compressed tar).</summary>
    [JsonPropertyName("archive")]
    public required string Archive { get; init; }

    /// <summary>The signature file's path in the registry (the pack's <c>pack.digest.minisig</c>).</summary>
    [JsonPropertyName("signature")]
    public required string Signature { get; init; }

    /// <summary>The archive's size in bytes.</summary>
    [JsonPropertyName("size")]
    public long Size { get; init; }

    /// <summary>When it was published (UTC, ISO 8601).</summary>
    [JsonPropertyName("published_at")]
    public string? PublishedAt { get; init; }
}

/// <summary>A registry's <c>index.json</c>.</summary>
public sealed record RegistryIndex
{
    /// <summary>The format version.</summary>
    [JsonPropertyName("format")]
    public int Format { get; init; } = 1;

    /// <summary>Every published version.</summary>
    [JsonPropertyName("packs")]
    public List<RegistryEntry> Packs { get; init; } = [];
}
