using NSec.Cryptography;

namespace Reach.Packs.Keys;

/// <summary>
/// An Ed25519 public key in minisign's format: an <c>untrusted comment:</c> line, then base64 of
/// <c>"Ed" ‖ key id (8 bytes, little-endian) ‖ public key (32 bytes)</c>.
/// </summary>
public sealed record MinisignPublicKey
{
    private const int BlobSize = 2 + KeyId.Size + 32;
    private readonly byte[] _key;

    /// <summary>Wraps a key id and 32 public key bytes.</summary>
    public MinisignPublicKey(KeyId id, ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("An Ed25519 public key has 32 bytes.", nameof(key));
        }

        Id = id;
        _key = key.ToArray();
    }

    /// <summary>The key id.</summary>
    public KeyId Id { get; }

    /// <summary>The 32 public key bytes.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>The key as NSec imports it.</summary>
    public PublicKey ToPublicKey() => PublicKey.Import(SignatureAlgorithm.Ed25519, _key, KeyBlobFormat.RawPublicKey);

    /// <summary>The base64 line (what <c>minisign -P</c> takes).</summary>
    public string ToBase64()
    {
        Span<byte> blob = stackalloc byte[BlobSize];
        "Ed"u8.CopyTo(blob);
        Id.WriteBytes(blob[2..]);
        _key.CopyTo(blob[10..]);
        return Convert.ToBase64String(blob);
    }

    /// <summary>The file text: the untrusted comment line and the base64 line.</summary>
    public string ToFileText(string? comment = null) =>
        $"untrusted comment: {comment ?? "minisign public key " + Id}\n{ToBase64()}\n";

    /// <summary>
    /// Parses a public key file, or a bare base64 line; the comment, if any, is returned in <paramref name="comment"/>.
    /// </summary>
    /// <exception cref="ReachException">REACH-5105 when it is not a minisign Ed25519 public key.</exception>
    public static MinisignPublicKey Parse(string text, out string? comment)
    {
        ArgumentNullException.ThrowIfNull(text);
        comment = null;
        string? line = null;
        foreach (var raw in text.Split('\n'))
        {
            var trimmed = raw.TrimEnd('\r').Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (trimmed.StartsWith("untrusted comment:", StringComparison.Ordinal))
            {
                comment = trimmed["untrusted comment:".Length..].Trim();
                continue;
            }

            line = trimmed;
            break;
        }

        Span<byte> blob = stackalloc byte[BlobSize + 3];
        if (line is null || !Convert.TryFromBase64String(line, blob, out var written) || written != BlobSize || blob[0] != (byte)'E' || blob[1] != (byte)'d')
        {
            throw new ReachException(ErrorCatalog.KeyFileInvalid, "That is not a minisign Ed25519 public key (a base64 line of 42 bytes starting with \"Ed\").");
        }

        return new MinisignPublicKey(KeyId.FromBytes(blob[2..10]), blob[10..BlobSize]);
    }

    /// <inheritdoc/>
    public bool Equals(MinisignPublicKey? other) => other is not null && Id == other.Id && _key.AsSpan().SequenceEqual(other._key);

    /// <inheritdoc/>
    public override int GetHashCode() => Id.GetHashCode();
}
