using System.Security.Cryptography;
using NSec.Cryptography;

namespace Reach.Packs.Keys;

/// <summary>An opened Ed25519 secret key with its minisign key id and local name.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly Key _key;

    private SigningKey(string name, KeyId id, Key key)
    {
        Name = name;
        Id = id;
        _key = key;
        PublicKey = new MinisignPublicKey(id, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>The local name.</summary>
    public string Name { get; }

    /// <summary>The key id.</summary>
    public KeyId Id { get; }

    /// <summary>The public half.</summary>
    public MinisignPublicKey PublicKey { get; }

    /// <summary>Makes a new key with a random id.</summary>
    public static SigningKey Generate(string name)
    {
        var id = KeyId.FromBytes(RandomNumberGenerator.GetBytes(KeyId.Size));
        var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new SigningKey(name, id, key);
    }

    /// <summary>Rebuilds a key from its 32-byte seed.</summary>
    public static SigningKey FromSeed(string name, KeyId id, ReadOnlySpan<byte> seed)
    {
        var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new SigningKey(name, id, key);
    }

    /// <summary>The 32-byte seed.</summary>
    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    /// <summary>Signs a message with plain Ed25519.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
