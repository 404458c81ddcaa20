using System.Formats.Tar;
using System.IO.Compression;

namespace Reach.Packs.Install;

/// <summary>
/// Reads a pack archive defensively. <see cref="Inspect"/> checks every entry (path, type, sizes, compression ratio)
/// without writing anything; <see cref="Extract"/> runs the same checks again while it writes into an empty directory.
/// </summary>
public static class ArchiveReader
{
    // NAME_MAX on Linux and macOS file systems: a longer segment cannot be created anywhere a pack is installed.
    private const int MaxSegmentBytes = 255;

    /// <summary>The archive's files and total size, after every check; nothing is written.</summary>
    public static (IReadOnlyList<string> Files, long TotalBytes) Inspect(byte[] archive, ArchiveLimits limits) => Read(archive, limits, null, null);

    /// <summary>Writes the archive's files into <paramref name="destination"/> (which must be empty), reporting bytes written.</summary>
    public static (IReadOnlyList<string> Files, long TotalBytes) Extract(byte[] archive, ArchiveLimits limits, string destination, Action<long>? progress = null) =>
        Read(archive, limits, destination, progress);

    private static (IReadOnlyList<string>, long) Read(byte[] archive, ArchiveLimits limits, string? destination, Action<long>? progress)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(limits);
        if (archive.Length > limits.MaxArchiveBytes)
        {
            throw new ReachException(ErrorCatalog.ArchiveTooLarge, $"The archive has {archive.Length} bytes; the limit is {limits.MaxArchiveBytes}.");
        }

        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var entries = 0;
        long total = 0;
        try
        {
            using var compressed = new MemoryStream(archive, writable: false);
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            using var bounded = new BoundedStream(gzip, limits, archive.Length);
            using var tar = new TarReader(bounded);
            while (tar.GetNextEntry() is { } entry)
            {
                // Every entry costs an inode when extracted, so every kind counts, directories included.
                if (++entries > limits.MaxEntries)
                {
                    throw new ReachException(ErrorCatalog.ArchiveTooLarge, $"The archive has more than {limits.MaxEntries} entries.");
                }

                var path = CheckPath(entry.Name, limits);
                if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    throw new ReachException(ErrorCatalog.ArchiveLink, $"The archive entry '{path}' is a {(entry.EntryType == TarEntryType.SymbolicLink ? "symbolic" : "hard")} link to '{entry.LinkName}'; packs hold regular files only.");
                }

                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory))
                {
                    throw new ReachException(ErrorCatalog.ArchiveLink, $"The archive entry '{path}' is a {entry.EntryType}; packs hold regular files only.");
                }

                CheckNoClash(path, entry.EntryType == TarEntryType.Directory, seen, directories);

                // Directories a file's path implies are created too: they count as well, or deep paths multiply inodes.
                if (seen.Count + directories.Count + (entry.EntryType == TarEntryType.Directory ? 0 : 1) > limits.MaxEntries)
                {
                    throw new ReachException(ErrorCatalog.ArchiveTooLarge, $"The archive's files and directories, counting each directory a path implies, are more than {limits.MaxEntries}.");
                }

                if (entry.EntryType == TarEntryType.Directory)
                {
                    if (destination is not null)
                    {
                        Directory.CreateDirectory(Path.Combine(destination, path));
                    }

                    continue;
                }

                if (!seen.Add(path))
                {
                    throw new ReachException(ErrorCatalog.ArchiveMalformed, $"The archive holds '{path}' twice.");
                }

                if (entry.Length > limits.MaxEntryBytes)
                {
                    throw new ReachException(ErrorCatalog.ArchiveTooLarge, $"The archive entry '{path}' has {entry.Length} bytes; the limit per file is {limits.MaxEntryBytes}.");
                }

                total += entry.Length;
                if (total > limits.MaxTotalBytes)
                {
                    throw new ReachException(ErrorCatalog.ArchiveTooLarge, $"The archive's files add up to more than {limits.MaxTotalBytes} bytes.");
                }

                BoundedStream.CheckRatio(total, archive.Length, limits);
                files.Add(path);
                if (destination is not null)
                {
                    var target = Path.Combine(destination, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
                    entry.DataStream?.CopyTo(output);
                    if (output.Length != entry.Length)
                    {
                        throw new ReachException(ErrorCatalog.ArchiveMalformed, $"The archive entry '{path}' is cut short.");
                    }

                    progress?.Invoke(entry.Length);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new ReachException(ErrorCatalog.ArchiveMalformed, $"The archive is not a valid gzip-compressed tar: {ex.Message}");
        }

        return (files, total);
    }

    /// <summary>
    /// Refuses a name that is a file in one entry and a directory in another (explicitly, or as the parent of a file),
    /// in either order: extracting it would fail half-way, so it is caught while nothing is written yet.
    /// </summary>
    private static void CheckNoClash(string path, bool isDirectory, HashSet<string> files, HashSet<string> directories)
    {
        if (isDirectory ? files.Contains(path) : directories.Contains(path))
        {
            throw Clash(path);
        }

        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            var parent = path[..slash];
            if (files.Contains(parent))
            {
                throw Clash(parent);
            }

            directories.Add(parent);
        }

        if (isDirectory)
        {
            directories.Add(path);
        }
    }

    private static ReachException Clash(string path) =>
        new(ErrorCatalog.ArchiveFileDirectoryClash, $"The archive holds '{path}' both as a file and as a directory.");

    private static string CheckPath(string name, ArchiveLimits limits)
    {
        // Checked before anything else so a message never carries a name of thousands of characters.
        if (Encoding.UTF8.GetByteCount(name) > limits.MaxNameBytes)
        {
            throw new ReachException(ErrorCatalog.ArchiveNameTooLong, $"An archive entry's name has more than {limits.MaxNameBytes} UTF-8 bytes.");
        }

        var path = name.Replace('\\', '/');
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ReachException(ErrorCatalog.ArchiveMalformed, "An archive entry has an empty name or a NUL byte in it.");
        }

        if (path[0] == '/' || (path.Length >= 2 && path[1] == ':') || path.StartsWith("//", StringComparison.Ordinal))
        {
            throw new ReachException(ErrorCatalog.ArchiveAbsolutePath, $"The archive entry '{name}' has an absolute path.");
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment == "..")
            {
                throw new ReachException(ErrorCatalog.ArchivePathTraversal, $"The archive entry '{name}' climbs out of the pack with '..'.");
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                throw new ReachException(ErrorCatalog.ArchiveNameTooLong, $"The archive entry '{name[..Math.Min(name.Length, 80)]}…' has a path segment over {MaxSegmentBytes} UTF-8 bytes.");
            }

            if (segment.Length > 0 && segment != ".")
            {
                segments.Add(segment);
            }
        }

        return segments.Count > 0 ? string.Join('/', segments) : throw new ReachException(ErrorCatalog.ArchiveMalformed, $"The archive entry '{name}' names no file.");
    }
}
