namespace Reach.Packs.Keys;

/// <summary>A key the store knows: its own secret keys and the public keys it trusts.</summary>
/// <param name="Id">The key id.</param>
/// <param name="Name">The local name.</param>
/// <param name="HasSecret">True when the store holds the secret key (it can sign).</param>
/// <param name="Trusted">True when signatures by it are accepted.</param>
/// <param name="IsDefault">True when <c>reach pack sign</c> uses it without <c>--key</c>.</param>
/// <param name="Encrypted">True when the secret key needs a passphrase.</param>
public sealed record KeyEntry(KeyId Id, string Name, bool HasSecret, bool Trusted, bool IsDefault, bool Encrypted);

/// <summary>A public key in the trust store.</summary>
/// <param name="Name">The local name it was trusted under.</param>
/// <param name="PublicKey">The key.</param>
public sealed record TrustedKey(string Name, MinisignPublicKey PublicKey);
