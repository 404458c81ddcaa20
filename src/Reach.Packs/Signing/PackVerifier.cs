using System.Security.Cryptography;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Packs.Keys;

namespace Reach.Packs.Signing;

/// <summary>
/// Verifies a signed pack offline: the signature by a key in the local trust store (never one shipped in the pack),
/// the statement's name and version against <c>pack.json</c>, and the recomputed listing against the signed one.
/// </summary>
public static class PackVerifier
{
    /// <summary>Verifies the pack in <paramref name="directory"/>; every failure is a coded <see cref="ReachException"/>.</summary>
    public static PackVerification Verify(string directory, IReadOnlyDictionary<KeyId, TrustedKey> trusted, SignatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        var full = Path.GetFullPath(directory);
        var identity = PackIdentity.Read(full);
        var listingPath = PackSignatureFiles.ListingPath(full);
        var signaturePath = PackSignatureFiles.SignaturePath(full);
        if (!File.Exists(signaturePath) || !File.Exists(listingPath))
        {
            throw new ReachException(ErrorCatalog.SignatureMissing, $"The pack '{identity.Name}' is not signed: {(File.Exists(signaturePath) ? PackSignatureFiles.Listing : PackSignatureFiles.Signature)} is missing.");
        }

        var listing = File.ReadAllBytes(listingPath);
        var signatureText = File.ReadAllBytes(signaturePath);
        var signature = MinisignSignature.Parse(Encoding.UTF8.GetString(signatureText));
        if (!trusted.TryGetValue(signature.KeyId, out var key))
        {
            throw new ReachException(ErrorCatalog.KeyNotTrusted, $"The pack '{identity.Name}' is signed by the key {signature.KeyId}, which is not in the trust store.")
            {
                Details = new Dictionary<string, object?> { ["key_id"] = signature.KeyId.ToString() },
            };
        }

        var statement = CheckSignature(key, listing, signatureText, signature, cache, out var cached);
        if (statement.Name != identity.Name)
        {
            throw new ReachException(ErrorCatalog.SignatureOtherPack, $"The signature is for the pack '{statement.Name}', not '{identity.Name}'.")
            {
                Details = new Dictionary<string, object?> { ["signed_name"] = statement.Name, ["name"] = identity.Name },
            };
        }

        if (statement.Version != identity.Version)
        {
            throw new ReachException(ErrorCatalog.SignatureOtherVersion, $"The signature is for {statement.Name}@{statement.Version}, not version {identity.Version}.")
            {
                Details = new Dictionary<string, object?> { ["signed_version"] = statement.Version, ["version"] = identity.Version },
            };
        }

        var actual = PackDigest.Listing(full);
        if (!actual.AsSpan().SequenceEqual(listing))
        {
            throw new ReachException(ErrorCatalog.PackChangedAfterSigning, $"The pack '{identity.Name}' changed after it was signed: {ListingDiff.Describe(listing, actual)}.")
            {
                Details = new Dictionary<string, object?> { ["signed_digest"] = statement.Digest.ToString(), ["digest"] = Sha256Digest.Compute(actual).ToString() },
            };
        }

        return new PackVerification(identity.Name, identity.Version, statement.Digest, key.PublicKey.Id, key.Name, cached);
    }

    /// <summary>Checks a signature of a listing and returns its statement; the statement's digest is the listing's.</summary>
    public static PackStatement CheckSignature(TrustedKey key, byte[] listing, byte[] signatureText, MinisignSignature signature, SignatureCache? cache, out bool cached)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(signature);
        var listingDigest = Sha256Digest.Compute(listing);
        cached = cache is not null && cache.Contains(listingDigest, signatureText, key.PublicKey);
        if (!cached)
        {
            if (!Minisign.Verify(key.PublicKey, listing, signature))
            {
                throw new ReachException(ErrorCatalog.SignatureInvalid, $"The signature by {key.Name} ({signature.KeyId}) does not verify: the signature or {PackSignatureFiles.Listing} was changed.");
            }

            cache?.Add(listingDigest, signatureText, key.PublicKey);
        }

        var statement = PackStatement.TryParse(signature.TrustedComment)
            ?? throw new ReachException(ErrorCatalog.SignatureMalformed, $"The signature's trusted comment is not a Reach pack statement: '{signature.TrustedComment}'.");
        if (statement.Digest != listingDigest)
        {
            throw new ReachException(ErrorCatalog.SignatureInvalid, $"The signature's trusted comment names the digest {statement.Digest}, but the signed {PackSignatureFiles.Listing} has {listingDigest}.");
        }

        return statement;
    }

    /// <summary>A stable fingerprint of signature bytes, for the cache.</summary>
    internal static string Fingerprint(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
