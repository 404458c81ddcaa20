using System.Security.Cryptography;
using System.Text.Json.Serialization;
using NSec.Cryptography;

namespace Reach.Packs.Keys;

/// <summary>
/// A secret key file (<c>REACH_HOME/keys/NAME.key</c>): the Ed25519 seed, encrypted with XChaCha20-Poly1305 under a key
/// derived from the passphrase by Argon2id, or stored as is when made with <c>--unencrypted</c>. The public key is the
/// associated data, so a file cannot be paired with another public key.
/// </summary>
public sealed record SecretKeyFile
{
    /// <summary>The format tag.</summary>
    public const string FormatTag = "reach-secret-key/1";

    /// <summary>The encryption tag of an encrypted file.</summary>
    public const string Encrypted = "argon2id-xchacha20poly1305";

    /// <summary>The encryption tag of a plaintext (CI) file.</summary>
    public const string Unencrypted = "none";

    /// <summary>The format tag.</summary>
    [JsonPropertyName("format")]
    public required string Format { get; init; }

    /// <summary>The key's local name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The key id, 16 hex digits.</summary>
    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }

    /// <summary>The public key, minisign's base64 line.</summary>
    [JsonPropertyName("public_key")]
    public required string PublicKey { get; init; }

    /// <summary><see cref="Encrypted"/> or <see cref="Unencrypted"/>.</summary>
    [JsonPropertyName("encryption")]
    public required string Encryption { get; init; }

    /// <summary>The Argon2id salt (base64).</summary>
    [JsonPropertyName("salt")]
    public string? Salt { get; init; }

    /// <summary>Argon2id memory in KiB.</summary>
    [JsonPropertyName("memory_kib")]
    public long MemoryKib { get; init; }

    /// <summary>Argon2id passes.</summary>
    [JsonPropertyName("passes")]
    public long Passes { get; init; }

    /// <summary>The XChaCha20-Poly1305 nonce (base64).</summary>
    [JsonPropertyName("nonce")]
    public string? Nonce { get; init; }

    /// <summary>The 32-byte Ed25519 seed, encrypted (48 bytes with the tag) or plain (base64).</summary>
    [JsonPropertyName("secret")]
    public required string Secret { get; init; }

    /// <summary>True when opening it needs a passphrase.</summary>
    [JsonIgnore]
    public bool IsEncrypted => Encryption == Encrypted;

    /// <summary>Seals a key; a null passphrase stores the seed unencrypted.</summary>
    public static SecretKeyFile Seal(string name, KeyId id, ReadOnlySpan<byte> seed, MinisignPublicKey publicKey, string? passphrase)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var publicText = publicKey.ToBase64();
        if (passphrase is null)
        {
            return new SecretKeyFile { Format = FormatTag, Name = name, KeyId = id.ToString(), PublicKey = publicText, Encryption = Unencrypted, Secret = Convert.ToBase64String(seed) };
        }

        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(AeadAlgorithm.XChaCha20Poly1305.NonceSize);
        const long memory = 19 * 1024;
        const long passes = 2;
        using var key = DeriveKey(passphrase, salt, memory, passes);
        var sealedSeed = AeadAlgorithm.XChaCha20Poly1305.Encrypt(key, nonce, Encoding.ASCII.GetBytes(publicText), seed);
        return new SecretKeyFile
        {
            Format = FormatTag,
            Name = name,
            KeyId = id.ToString(),
            PublicKey = publicText,
            Encryption = Encrypted,
            Salt = Convert.ToBase64String(salt),
            MemoryKib = memory,
            Passes = passes,
            Nonce = Convert.ToBase64String(nonce),
            Secret = Convert.ToBase64String(sealedSeed),
        };
    }

    /// <summary>Opens the file and returns the 32-byte seed.</summary>
    /// <exception cref="ReachException">REACH-5103 without a passphrase, REACH-5104 for a wrong one, REACH-5105 when malformed.</exception>
    public byte[] Open(string? passphrase)
    {
        try
        {
            if (Format != FormatTag)
            {
                throw Invalid("it is not a reach-secret-key/1 file");
            }

            if (Encryption == Unencrypted)
            {
                var seed = Convert.FromBase64String(Secret);
                return seed.Length == 32 ? seed : throw Invalid("the seed does not have 32 bytes");
            }

            if (Encryption != Encrypted || Salt is null || Nonce is null || MemoryKib is < 8 or > 4 * 1024 * 1024 || Passes is < 1 or > 64)
            {
                throw Invalid("its encryption parameters are missing or out of range");
            }

            if (passphrase is null)
            {
                throw new ReachException(ErrorCatalog.KeyPassphraseRequired, $"The secret key '{Name}' is encrypted; set REACH_KEY_PASSPHRASE or run on a terminal to be prompted.");
            }

            var nonce = Convert.FromBase64String(Nonce);
            if (nonce.Length != AeadAlgorithm.XChaCha20Poly1305.NonceSize)
            {
                throw Invalid("the nonce has the wrong length");
            }

            using var key = DeriveKey(passphrase, Convert.FromBase64String(Salt), MemoryKib, Passes);
            var opened = AeadAlgorithm.XChaCha20Poly1305.Decrypt(key, nonce, Encoding.ASCII.GetBytes(PublicKey), Convert.FromBase64String(Secret));
            return opened is { Length: 32 } ? opened : throw new ReachException(ErrorCatalog.KeyPassphraseWrong, $"The passphrase does not open the secret key '{Name}'.");
        }
        catch (FormatException)
        {
            throw Invalid("a base64 field is malformed");
        }
    }

    private static Key DeriveKey(string passphrase, ReadOnlySpan<byte> salt, long memoryKib, long passes)
    {
        var parameters = new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKib, NumberOfPasses = passes };
        var kdf = PasswordBasedKeyDerivationAlgorithm.Argon2id(in parameters);
        return kdf.DeriveKey(passphrase, salt, AeadAlgorithm.XChaCha20Poly1305);
    }

    private ReachException Invalid(string why) => new(ErrorCatalog.KeyFileInvalid, $"The secret key file '{Name}' is malformed: {why}.");
}
