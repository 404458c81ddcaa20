using Reach.Core.Hashing;
using Reach.Packs.Keys;

namespace Reach.Packs.Signing;

/// <summary>
/// Signatures already verified (<c>REACH_HOME/cache/signatures</c>): one line per listing digest, signature file hash and
/// public key. A hit skips the Ed25519 checks only; the key must still be trusted and the files still match the listing.
/// </summary>
public sealed class SignatureCache
{
    private readonly string _path;
    private HashSet<string>? _lines;

    /// <summary>Opens the cache file at <paramref name="path"/> (created on first add).</summary>
    public SignatureCache(string path)
    {
        _path = path;
    }

    /// <summary>True when this signature of this listing by this key verified before.</summary>
    public bool Contains(Sha256Digest listing, ReadOnlySpan<byte> signatureText, MinisignPublicKey key) => Load().Contains(Line(listing, signatureText, key));

    /// <summary>Records a verified signature.</summary>
    public void Add(Sha256Digest listing, ReadOnlySpan<byte> signatureText, MinisignPublicKey key)
    {
        var line = Line(listing, signatureText, key);
        if (Load().Add(line))
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                File.AppendAllText(_path, line + "\n");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The cache only saves time; a read-only home still verifies.
            }
        }
    }

    private HashSet<string> Load()
    {
        if (_lines is not null)
        {
            return _lines;
        }

        _lines = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(_path))
        {
            foreach (var line in File.ReadLines(_path))
            {
                _lines.Add(line);
            }
        }

        return _lines;
    }

    private static string Line(Sha256Digest listing, ReadOnlySpan<byte> signatureText, MinisignPublicKey key) =>
        $"{listing.ToHex()} {PackVerifier.Fingerprint(signatureText)} {key.ToBase64()}";
}
