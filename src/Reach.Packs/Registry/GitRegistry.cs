namespace Reach.Packs.Registry;

/// <summary>
/// A registry in a local git repository. Installs read committed files only (<c>git show HEAD:path</c>), so uncommitted
/// changes in the work tree are never installed; publishing writes into the work tree and commits.
/// </summary>
public sealed class GitRegistry : IPackRegistry
{
    /// <summary>Opens the registry in the repository at <paramref name="repository"/>.</summary>
    public GitRegistry(string name, string repository)
    {
        Name = name;
        Location = Path.GetFullPath(repository);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string Location { get; }

    /// <summary>True when <paramref name="path"/> is inside a git repository.</summary>
    public static bool IsRepository(string path) =>
        Directory.Exists(path) && GitCommand.Run("-C", path, "rev-parse", "--git-dir").ExitCode == 0;

    /// <inheritdoc/>
    public RegistryIndex ReadIndex()
    {
        if (!IsRepository(Location))
        {
            throw new ReachException(ErrorCatalog.RegistryInvalid, $"The registry '{Name}' ({Location}) is not a git repository.");
        }

        if (GitCommand.Run("-C", Location, "rev-parse", "--verify", "--quiet", "HEAD").ExitCode != 0)
        {
            return new RegistryIndex();
        }

        var (exit, output, _) = GitCommand.Run("-C", Location, "show", "HEAD:" + RegistryPaths.IndexFile);
        return exit == 0 ? RegistryPaths.ParseIndex(output, Name) : new RegistryIndex();
    }

    /// <inheritdoc/>
    public byte[] ReadFile(string relativePath, long maxBytes)
    {
        var spec = "HEAD:" + RegistryPaths.Checked(relativePath, Name);
        var (typeExit, type, _) = GitCommand.Run("-C", Location, "cat-file", "-t", spec);
        if (typeExit != 0 || Encoding.ASCII.GetString(type).Trim() != "blob")
        {
            throw new ReachException(ErrorCatalog.RegistryInvalid, $"The registry '{Name}' has no committed file '{relativePath}'.");
        }

        var size = long.Parse(Encoding.ASCII.GetString(GitCommand.Check("-C", Location, "cat-file", "-s", spec)).Trim(), CultureInfo.InvariantCulture);
        if (size > maxBytes)
        {
            throw new ReachException(ErrorCatalog.ArchiveTooLarge, $"'{relativePath}' in the registry '{Name}' has {size} bytes; the limit is {maxBytes}.");
        }

        return GitCommand.Check("-C", Location, "cat-file", "blob", spec);
    }

    /// <inheritdoc/>
    public void Publish(RegistryEntry entry, IReadOnlyDictionary<string, byte[]> files)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(files);
        var index = ReadIndex();
        var topLevel = Encoding.UTF8.GetString(GitCommand.Check("-C", Location, "rev-parse", "--show-toplevel")).Trim();
        if (Path.GetFullPath(topLevel) != Location.TrimEnd(Path.DirectorySeparatorChar))
        {
            throw new ReachException(ErrorCatalog.RegistryInvalid, $"The registry '{Name}' must be the top of a git work tree ({topLevel}).");
        }

        var paths = new List<string>();
        foreach (var (relative, bytes) in files)
        {
            var path = Path.Combine(Location, RegistryPaths.Checked(relative, Name));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
            paths.Add(relative);
        }

        index.Packs.Add(entry);
        File.WriteAllBytes(Path.Combine(Location, RegistryPaths.IndexFile), RegistryPaths.FormatIndex(index));
        paths.Add(RegistryPaths.IndexFile);
        GitCommand.Check(["-C", Location, "add", "--", .. paths]);
        var identity = GitCommand.Run("-C", Location, "config", "user.email").ExitCode == 0
            ? Array.Empty<string>()
            : ["-c", "user.name=reach", "-c", "user.email=reach@localhost"];
        GitCommand.Check(["-C", Location, .. identity, "commit", "--quiet", "--no-verify", "-m", $"publish {entry.Name}@{entry.Version} ({entry.Digest})", "--", .. paths]);
    }
}
