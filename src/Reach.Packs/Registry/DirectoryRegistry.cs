namespace Reach.Packs.Registry;

/// <summary>A registry that is a plain directory: <c>index.json</c> and <c>packs/NAME/VERSION/…</c>.</summary>
public sealed class DirectoryRegistry : IPackRegistry
{
    /// <summary>Opens the registry in <paramref name="directory"/>.</summary>
    public DirectoryRegistry(string name, string directory)
    {
        Name = name;
        Location = Path.GetFullPath(directory);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string Location { get; }

    /// <inheritdoc/>
    public RegistryIndex ReadIndex()
    {
        if (!Directory.Exists(Location))
        {
            throw new ReachException(ErrorCatalog.RegistryInvalid, $"The registry '{Name}' ({Location}) does not exist.");
        }

        var path = Path.Combine(Location, RegistryPaths.IndexFile);
        return File.Exists(path) ? RegistryPaths.ParseIndex(File.ReadAllBytes(path), Name) : new RegistryIndex();
    }

    /// <inheritdoc/>
    public byte[] ReadFile(string relativePath, long maxBytes)
    {
        var path = Path.Combine(Location, RegistryPaths.Checked(relativePath, Name));
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
        {
            throw new ReachException(ErrorCatalog.RegistryInvalid, $"The registry '{Name}' has no regular file '{relativePath}'.");
        }

        if (info.Length > maxBytes)
        {
            throw new ReachException(ErrorCatalog.ArchiveTooLarge, $"'{relativePath}' in the registry '{Name}' has {info.Length} bytes; the limit is {maxBytes}.");
        }

        return File.ReadAllBytes(path);
    }

    /// <inheritdoc/>
    public void Publish(RegistryEntry entry, IReadOnlyDictionary<string, byte[]> files)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(files);
        var index = ReadIndex();
        foreach (var (relative, bytes) in files)
        {
            var path = Path.Combine(Location, RegistryPaths.Checked(relative, Name));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(bytes);
        }

        index.Packs.Add(entry);
        var indexPath = Path.Combine(Location, RegistryPaths.IndexFile);
        File.WriteAllBytes(indexPath + ".tmp", RegistryPaths.FormatIndex(index));
        File.Move(indexPath + ".tmp", indexPath, overwrite: true);
    }
}
