using Reach.Core.Hashing;
using Reach.Packs.Keys;

namespace Reach.Packs.Signing;

/// <summary>A pack whose signature verified against the trust store.</summary>
/// <param name="Name">The pack's name (pack.json and the signature agree).</param>
/// <param name="Version">The pack's version (pack.json and the signature agree).</param>
/// <param name="Digest">The pack digest, recomputed from the files.</param>
/// <param name="KeyId">The signer's key id.</param>
/// <param name="Signer">The name the signer's key is trusted under.</param>
/// <param name="Cached">True when the signature check was answered by the signature cache.</param>
public sealed record PackVerification(string Name, string Version, Sha256Digest Digest, KeyId KeyId, string Signer, bool Cached = false);
