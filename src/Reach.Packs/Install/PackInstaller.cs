using Reach.Packs.Keys;
using Reach.Packs.Registry;
using Reach.Packs.Signing;

namespace Reach.Packs.Install;

/// <summary>
/// Installs a pack from the registries into <c>REACH_HOME/packs/NAME/VERSION</c>. Before anything is written there: the
/// signature's trusted comment must verify by a trusted key and name the requested pack, version and the index's digest;
/// the version must not be below the installed one; every archive entry must pass the path, type, size and ratio checks.
/// Then the archive is extracted into a staging directory beside the destination, verified there in full (digest and
/// signature), and renamed into place; the lockfile is updated last.
/// </summary>
public sealed class PackInstaller
{
    private const long MaxSignatureBytes = 64 * 1024;
    private readonly string _packsDirectory;
    private readonly IReadOnlyDictionary<KeyId, TrustedKey> _trusted;
    private readonly SignatureCache? _cache;
    private readonly TimeProvider _time;

    /// <summary>Creates an installer for <paramref name="packsDirectory"/> that trusts <paramref name="trusted"/>.</summary>
    public PackInstaller(string packsDirectory, IReadOnlyDictionary<KeyId, TrustedKey> trusted, SignatureCache? cache = null, TimeProvider? time = null)
    {
        _packsDirectory = Path.GetFullPath(packsDirectory);
        _trusted = trusted;
        _cache = cache;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The archive limits.</summary>
    public ArchiveLimits Limits { get; init; } = ArchiveLimits.Default;

    /// <summary>Finds <c>name[@version]</c> in the registries (first registry that has it; the newest version when none is given).</summary>
    public static (IPackRegistry Registry, RegistryEntry Entry) Find(IReadOnlyList<IPackRegistry> registries, string spec)
    {
        ArgumentNullException.ThrowIfNull(registries);
        ArgumentNullException.ThrowIfNull(spec);
        var (name, version) = PackSpec.Parse(spec);
        foreach (var registry in registries)
        {
            RegistryEntry? best = null;
            foreach (var entry in registry.ReadIndex().Packs)
            {
                if (entry.Name == name && (version is null ? best is null || PackVersion.Compare(entry.Version, best.Version) > 0 : entry.Version == version))
                {
                    best = entry;
                }
            }

            if (best is not null)
            {
                return (registry, best);
            }
        }

        if (registries.Count == 0)
        {
            throw new ReachException(ErrorCatalog.PackNotInRegistry, $"No registries are configured, so '{spec}' cannot be looked up.")
            {
                Fix = "Add a registry first: `reach registry add NAME PATH` (a directory or a local git repository), then install again.",
            };
        }

        throw new ReachException(ErrorCatalog.PackNotInRegistry, version is null ? $"No registry has a pack named '{name}'." : $"No registry has {name}@{version}.");
    }

    /// <summary>Installs an entry. <paramref name="started"/> is told the files' total size, <paramref name="progress"/> each file's bytes.</summary>
    public InstallResult Install(IPackRegistry registry, RegistryEntry entry, bool allowDowngrade, Action<long>? started = null, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(entry);
        if (!RegistryPaths.IsSegment(entry.Name) || !RegistryPaths.IsSegment(entry.Version))
        {
            throw new ReachException(ErrorCatalog.RegistryInvalid, $"The registry '{registry.Name}' lists a pack whose name or version is not a safe directory name: '{entry.Name}@{entry.Version}'.");
        }

        var lockFile = InstallLock.Read(_packsDirectory);
        lockFile.Packs.TryGetValue(entry.Name, out var installed);
        if (installed is not null)
        {
            var order = PackVersion.Compare(entry.Version, installed.Version);
            if (order < 0 && !allowDowngrade)
            {
                throw new ReachException(ErrorCatalog.Downgrade, $"{entry.Name}@{installed.Version} is installed; {entry.Version} is older.")
                {
                    Details = new Dictionary<string, object?> { ["installed"] = installed.Version, ["requested"] = entry.Version },
                };
            }

            if (order == 0 && installed.Version == entry.Version)
            {
                return installed.Digest == entry.Digest && Directory.Exists(Path.Combine(_packsDirectory, installed.Path))
                    ? new InstallResult(entry.Name, entry.Version, installed.Digest, installed.KeyId, SignerName(installed.KeyId), installed.Registry, Path.Combine(_packsDirectory, installed.Path), installed.Version, true)
                    : throw new ReachException(ErrorCatalog.InstalledVersionConflict, $"{entry.Name}@{entry.Version} is installed with the digest {installed.Digest}; the registry '{registry.Name}' now has {entry.Digest}.");
            }
        }

        CheckStatement(registry, entry);
        var archive = registry.ReadFile(entry.Archive, Limits.MaxArchiveBytes);
        var (_, totalBytes) = ArchiveReader.Inspect(archive, Limits);
        started?.Invoke(totalBytes);

        var createdPacks = !Directory.Exists(_packsDirectory);
        Directory.CreateDirectory(_packsDirectory);
        var staging = Path.Combine(_packsDirectory, ".staging-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(staging);
            ArchiveReader.Extract(archive, Limits, staging, progress);
            var verified = PackVerifier.Verify(staging, _trusted, _cache);
            if (verified.Name != entry.Name || verified.Version != entry.Version || verified.Digest.ToString() != entry.Digest)
            {
                throw new ReachException(ErrorCatalog.RegistryEntryMismatch, $"The archive holds {verified.Name}@{verified.Version} ({verified.Digest}), but the registry lists {entry.Name}@{entry.Version} ({entry.Digest}).");
            }

            var relative = Path.Combine(entry.Name, entry.Version);
            var destination = Path.Combine(_packsDirectory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (Directory.Exists(destination))
            {
                // Left by an install the lockfile does not record (it was interrupted); the verified copy replaces it.
                Directory.Delete(destination, recursive: true);
            }

            Directory.Move(staging, destination);
            lockFile.Packs[entry.Name] = new InstalledPack
            {
                Version = entry.Version,
                Digest = entry.Digest,
                KeyId = verified.KeyId.ToString(),
                Registry = registry.Name,
                Path = relative.Replace('\\', '/'),
                InstalledAt = _time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            };
            lockFile.Write(_packsDirectory);
            return new InstallResult(entry.Name, entry.Version, entry.Digest, verified.KeyId.ToString(), verified.Signer, registry.Name, destination, installed?.Version, false);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            if (createdPacks && Directory.Exists(_packsDirectory) && !Directory.EnumerateFileSystemEntries(_packsDirectory).Any())
            {
                Directory.Delete(_packsDirectory);
            }

            throw;
        }
    }

    private void CheckStatement(IPackRegistry registry, RegistryEntry entry)
    {
        var signature = MinisignSignature.Parse(Encoding.UTF8.GetString(registry.ReadFile(entry.Signature, MaxSignatureBytes)));
        if (!_trusted.TryGetValue(signature.KeyId, out var key))
        {
            throw new ReachException(ErrorCatalog.KeyNotTrusted, $"{entry.Name}@{entry.Version} is signed by the key {signature.KeyId}, which is not in the trust store.")
            {
                Details = new Dictionary<string, object?> { ["key_id"] = signature.KeyId.ToString() },
            };
        }

        if (!Minisign.VerifyTrustedComment(key.PublicKey, signature))
        {
            throw new ReachException(ErrorCatalog.SignatureInvalid, $"The signature of {entry.Name}@{entry.Version} in the registry '{registry.Name}' does not verify by {key.Name} ({key.PublicKey.Id}).");
        }

        var statement = PackStatement.TryParse(signature.TrustedComment)
            ?? throw new ReachException(ErrorCatalog.SignatureMalformed, $"The signature's trusted comment is not a Reach pack statement: '{signature.TrustedComment}'.");
        if (statement.Name != entry.Name)
        {
            throw new ReachException(ErrorCatalog.SignatureOtherPack, $"The registry lists '{entry.Name}' with a signature of the pack '{statement.Name}'.");
        }

        if (statement.Version != entry.Version)
        {
            throw new ReachException(ErrorCatalog.SignatureOtherVersion, $"The registry lists {entry.Name}@{entry.Version} with the signature of version {statement.Version}.");
        }

        if (statement.Digest.ToString() != entry.Digest)
        {
            throw new ReachException(ErrorCatalog.RegistryEntryMismatch, $"The registry lists {entry.Name}@{entry.Version} with the digest {entry.Digest}, but its signature names {statement.Digest}.");
        }
    }

    private string SignerName(string keyId) => KeyId.TryParse(keyId, out var id) && _trusted.TryGetValue(id, out var key) ? key.Name : keyId;
}
