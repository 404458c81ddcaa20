namespace Reach.Packs.Keys;

/// <summary>
/// The keys under <c>REACH_HOME/keys</c>: <c>NAME.key</c> (secret, mode 0600) and <c>NAME.pub</c> for the keys this
/// machine signs with, <c>trusted/KEYID.pub</c> for the public keys whose signatures it accepts, and <c>default</c>
/// naming the key <c>reach pack sign</c> uses. Keys this store generates or imports are trusted too.
/// </summary>
public sealed class KeyStore
{
    private const string TrustedComment = "reach trusted key: ";

    /// <summary>Opens the store in <paramref name="directory"/> (created on first write).</summary>
    public KeyStore(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The store's directory.</summary>
    public string Directory { get; }

    private string TrustedDirectory => Path.Combine(Directory, "trusted");

    private string DefaultFile => Path.Combine(Directory, "default");

    /// <summary>Generates a key, stores it (encrypted unless <paramref name="passphrase"/> is null), trusts it, and makes it the default when there is none.</summary>
    public KeyEntry Generate(string? name, string? passphrase)
    {
        using var key = SigningKey.Generate(name ?? "main");
        var chosen = name ?? (File.Exists(SecretPath("main")) ? key.Id.ToString().ToLowerInvariant() : "main");
        CheckName(chosen);
        var file = SecretKeyFile.Seal(chosen, key.Id, key.ExportSeed(), key.PublicKey, passphrase);
        return Store(file, key.PublicKey);
    }

    /// <summary>Imports a secret key file written by <see cref="ExportSecret"/>, under its own name or <paramref name="name"/>.</summary>
    public KeyEntry Import(string text, string? name)
    {
        SecretKeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize(text, KeysJsonContext.Default.SecretKeyFile);
        }
        catch (JsonException)
        {
            file = null;
        }

        if (file is null || file.Format != SecretKeyFile.FormatTag || !KeyId.TryParse(file.KeyId, out var id))
        {
            throw new ReachException(ErrorCatalog.KeyFileInvalid, "That is not a secret key file written by `reach key export` (to trust someone's public key, use `reach key trust FILE`).");
        }

        var publicKey = MinisignPublicKey.Parse(file.PublicKey, out _);
        if (publicKey.Id != id)
        {
            throw new ReachException(ErrorCatalog.KeyFileInvalid, "The secret key file's key id does not match its public key.");
        }

        var renamed = file with { Name = name ?? file.Name };
        CheckName(renamed.Name);
        return Store(renamed, publicKey);
    }

    /// <summary>Adds a minisign public key to the trust store.</summary>
    public KeyEntry Trust(string publicKeyText, string? name)
    {
        var key = MinisignPublicKey.Parse(publicKeyText, out var comment);
        var chosen = name ?? NameFromComment(comment) ?? key.Id.ToString();
        CheckName(chosen);
        WriteTrusted(chosen, key);
        return Find(key.Id.ToString())!;
    }

    /// <summary>Removes a key from the trust store (its secret key, if any, stays).</summary>
    public KeyEntry Untrust(string nameOrId)
    {
        var entry = Find(nameOrId) is { Trusted: true } found ? found : throw new ReachException(ErrorCatalog.KeyNotFound, $"No trusted key '{nameOrId}'.");
        File.Delete(TrustedPath(entry.Id));
        return entry with { Trusted = false };
    }

    /// <summary>The file text of a secret key, as stored (encrypted unless it was made with --unencrypted).</summary>
    public string ExportSecret(string nameOrId)
    {
        var entry = Find(nameOrId) is { HasSecret: true } found ? found : throw new ReachException(ErrorCatalog.KeyNotFound, $"No secret key '{nameOrId}'.");
        return File.ReadAllText(SecretPath(entry.Name));
    }

    /// <summary>The minisign public key file text of a key.</summary>
    public string ExportPublic(string nameOrId)
    {
        var entry = Find(nameOrId) ?? throw new ReachException(ErrorCatalog.KeyNotFound, $"No key '{nameOrId}'.");
        return PublicKeyOf(entry).ToFileText(TrustedComment + entry.Name);
    }

    /// <summary>Opens a secret key: the named one, or the default. <paramref name="passphrase"/> is asked only when the key is encrypted.</summary>
    public SigningKey Open(string? nameOrId, Func<string, string?> passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        var wanted = nameOrId ?? DefaultName ?? throw new ReachException(ErrorCatalog.NoDefaultKey, "No --key was given and there is no default key; run `reach key generate`.");
        var entry = Find(wanted) is { HasSecret: true } found ? found : throw new ReachException(ErrorCatalog.KeyNotFound, $"No secret key '{wanted}'; `reach key list` shows the keys.");
        var file = ReadSecret(entry.Name);
        var seed = file.Open(file.IsEncrypted ? passphrase(entry.Name) : null);
        var key = SigningKey.FromSeed(entry.Name, entry.Id, seed);
        Array.Clear(seed);
        if (key.PublicKey != PublicKeyOf(entry))
        {
            key.Dispose();
            throw new ReachException(ErrorCatalog.KeyFileInvalid, $"The secret key '{entry.Name}' does not match its public key.");
        }

        return key;
    }

    /// <summary>The public keys whose signatures are accepted, by id.</summary>
    public IReadOnlyDictionary<KeyId, TrustedKey> Trusted()
    {
        var trusted = new Dictionary<KeyId, TrustedKey>();
        if (!System.IO.Directory.Exists(TrustedDirectory))
        {
            return trusted;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(TrustedDirectory, "*.pub"))
        {
            try
            {
                var key = MinisignPublicKey.Parse(File.ReadAllText(path), out var comment);
                if (Path.GetFileNameWithoutExtension(path) == key.Id.ToString())
                {
                    trusted[key.Id] = new TrustedKey(NameFromComment(comment) ?? key.Id.ToString(), key);
                }
            }
            catch (ReachException)
            {
                // A damaged trust file trusts nothing.
            }
        }

        return trusted;
    }

    /// <summary>Every key: own keys first, then trusted public keys, each by name.</summary>
    public List<KeyEntry> List()
    {
        var trusted = Trusted();
        var defaultName = DefaultName;
        var entries = new List<KeyEntry>();
        var own = new HashSet<KeyId>();
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.key"))
            {
                var name = Path.GetFileNameWithoutExtension(path);
                SecretKeyFile file;
                try
                {
                    file = ReadSecret(name);
                }
                catch (ReachException)
                {
                    continue;
                }

                if (KeyId.TryParse(file.KeyId, out var id))
                {
                    own.Add(id);
                    entries.Add(new KeyEntry(id, name, true, trusted.ContainsKey(id), name == defaultName, file.IsEncrypted));
                }
            }
        }

        foreach (var (id, key) in trusted)
        {
            if (!own.Contains(id))
            {
                entries.Add(new KeyEntry(id, key.Name, false, true, false, false));
            }
        }

        entries.Sort((a, b) => a.HasSecret != b.HasSecret ? (a.HasSecret ? -1 : 1) : string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    /// <summary>Finds a key by name or id.</summary>
    public KeyEntry? Find(string nameOrId)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        var isId = KeyId.TryParse(nameOrId, out var id);
        foreach (var entry in List())
        {
            if (entry.Name == nameOrId || (isId && entry.Id == id))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The default signing key's name, if any.</summary>
    public string? DefaultName => File.Exists(DefaultFile) ? File.ReadAllText(DefaultFile).Trim() is { Length: > 0 } name ? name : null : null;

    /// <summary>Makes a secret key the default.</summary>
    public void SetDefault(string name)
    {
        if (Find(name) is not { HasSecret: true } entry)
        {
            throw new ReachException(ErrorCatalog.KeyNotFound, $"No secret key '{name}'.");
        }

        File.WriteAllText(DefaultFile, entry.Name + "\n");
    }

    private KeyEntry Store(SecretKeyFile file, MinisignPublicKey publicKey)
    {
        if (File.Exists(SecretPath(file.Name)))
        {
            throw new ReachException(ErrorCatalog.KeyExists, $"A key named '{file.Name}' already exists.");
        }

        if (Find(publicKey.Id.ToString()) is { HasSecret: true } existing)
        {
            throw new ReachException(ErrorCatalog.KeyExists, $"The key {publicKey.Id} is already stored as '{existing.Name}'.")
            {
                Fix = $"Another name does not help: it is the same key. Use it as '{existing.Name}', or `reach key remove {existing.Name}` first to store it again.",
            };
        }

        System.IO.Directory.CreateDirectory(Directory);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(file, KeysJsonContext.Default.SecretKeyFile);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(SecretPath(file.Name), options))
        {
            stream.Write(bytes);
        }

        File.WriteAllText(Path.Combine(Directory, file.Name + ".pub"), publicKey.ToFileText(TrustedComment + file.Name));
        WriteTrusted(file.Name, publicKey);
        if (DefaultName is null)
        {
            SetDefault(file.Name);
        }

        return Find(file.Name)!;
    }

    private void WriteTrusted(string name, MinisignPublicKey key)
    {
        System.IO.Directory.CreateDirectory(TrustedDirectory);
        File.WriteAllText(TrustedPath(key.Id), key.ToFileText(TrustedComment + name));
    }

    private SecretKeyFile ReadSecret(string name)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(SecretPath(name)), KeysJsonContext.Default.SecretKeyFile)
                ?? throw new ReachException(ErrorCatalog.KeyFileInvalid, $"The secret key file '{name}' is empty.");
        }
        catch (JsonException)
        {
            throw new ReachException(ErrorCatalog.KeyFileInvalid, $"The secret key file '{name}' is not valid JSON.");
        }
    }

    private MinisignPublicKey PublicKeyOf(KeyEntry entry) =>
        entry.HasSecret ? MinisignPublicKey.Parse(ReadSecret(entry.Name).PublicKey, out _) : Trusted()[entry.Id].PublicKey;

    private string SecretPath(string name) => Path.Combine(Directory, name + ".key");

    private string TrustedPath(KeyId id) => Path.Combine(TrustedDirectory, id + ".pub");

    private static string? NameFromComment(string? comment) =>
        comment is not null && comment.StartsWith(TrustedComment, StringComparison.Ordinal) && IsValidName(comment[TrustedComment.Length..]) ? comment[TrustedComment.Length..] : null;

    private static bool IsValidName(string name)
    {
        if (name.Length is 0 or > 64 || name[0] == '.')
        {
            return false;
        }

        foreach (var ch in name)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch is not ('.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckName(string name)
    {
        if (!IsValidName(name))
        {
            throw new ReachException(ErrorCatalog.Usage, $"'{name}' is not a key name: use 1 to 64 letters, digits, '.', '-' or '_', not starting with '.'.");
        }
    }
}
