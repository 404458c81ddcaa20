using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Packs.Keys;

namespace Reach.Packs.Signing;

/// <summary>
/// Signs a pack: writes <c>pack.digest</c> (the canonical listing of every file and its SHA-256; its own SHA-256 is the
/// pack digest) and <c>pack.digest.minisig</c>, a minisign signature of it whose trusted comment binds the pack's name and
/// version to the digest.
/// </summary>
public static class PackSigner
{
    /// <summary>Signs the pack in <paramref name="directory"/> with <paramref name="key"/>.</summary>
    public static PackStatement Sign(string directory, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var full = Path.GetFullPath(directory);
        var identity = PackIdentity.Read(full);
        var listing = PackDigest.Listing(full);
        var statement = new PackStatement(identity.Name, identity.Version, Sha256Digest.Compute(listing));
        var signature = Minisign.Sign(key, listing, statement.ToTrustedComment(), $"reach pack signature of {identity.Name}@{identity.Version} by key {key.Id}");
        WriteAtomically(PackSignatureFiles.ListingPath(full), listing);
        WriteAtomically(PackSignatureFiles.SignaturePath(full), Encoding.UTF8.GetBytes(signature.Format()));
        return statement;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
