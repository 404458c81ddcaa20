using Reach.Packs.Install;
using Reach.Packs.Keys;
using Reach.Packs.Signing;

namespace Reach.Packs.Registry;

/// <summary>Publishes a signed pack: its archive and signature under <c>packs/NAME/VERSION/</c>, and an index entry.</summary>
public static class PackPublisher
{
    /// <summary>Publishes the pack in <paramref name="directory"/>; it must verify against <paramref name="trusted"/>, and the version must be new.</summary>
    public static RegistryEntry Publish(string directory, IPackRegistry registry, IReadOnlyDictionary<KeyId, TrustedKey> trusted, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        PackVerification verified;
        try
        {
            verified = PackVerifier.Verify(directory, trusted);
        }
        catch (ReachException ex) when (ex.Error == ErrorCatalog.SignatureMissing)
        {
            throw new ReachException(ErrorCatalog.PublishUnsigned, $"{ex.Message} Only signed packs are published.");
        }

        if (!RegistryPaths.IsSegment(verified.Name) || !RegistryPaths.IsSegment(verified.Version))
        {
            throw new ReachException(ErrorCatalog.ManifestInvalid, $"'{verified.Name}@{verified.Version}' cannot be published: name and version may hold only letters, digits, '.', '-', '_' and '+'.");
        }

        var index = registry.ReadIndex();
        if (index.Packs.Exists(p => p.Name == verified.Name && p.Version == verified.Version))
        {
            throw new ReachException(ErrorCatalog.VersionAlreadyPublished, $"{verified.Name}@{verified.Version} is already in the registry '{registry.Name}'.");
        }

        var identity = PackIdentity.Read(directory);
        var archive = PackArchive.Create(directory);
        var folder = $"packs/{verified.Name}/{verified.Version}";
        var entry = new RegistryEntry
        {
            Name = verified.Name,
            Version = verified.Version,
            Description = identity.Description,
            Tags = identity.Tags,
            Digest = verified.Digest.ToString(),
            KeyId = verified.KeyId.ToString(),
            Archive = $"{folder}/{verified.Name}-{verified.Version}.tar.gz",
            Signature = $"{folder}/{PackSignatureFiles.Signature}",
            Size = archive.Length,
            PublishedAt = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        registry.Publish(entry, new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [entry.Archive] = archive,
            [entry.Signature] = File.ReadAllBytes(PackSignatureFiles.SignaturePath(directory)),
        });
        return entry;
    }
}
