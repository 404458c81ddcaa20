using System.Formats.Tar;
using System.IO.Compression;

namespace Reach.Packs.Install;

/// <summary>Writes a pack directory as a gzip-compressed tar: regular files only, sorted, fixed times and owners.</summary>
public static class PackArchive
{
    /// <summary>The archive of the pack in <paramref name="directory"/>.</summary>
    public static byte[] Create(string directory)
    {
        var root = Path.GetFullPath(directory);
        var files = new List<string>();
        Collect(root, root, files);
        files.Sort(StringComparer.Ordinal);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var relative in files)
            {
                using var data = File.OpenRead(Path.Combine(root, relative));
                var entry = new PaxTarEntry(TarEntryType.RegularFile, relative)
                {
                    DataStream = data,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                };
                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    private static void Collect(string root, string directory, List<string> files)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            if (entry.LinkTarget is not null)
            {
                throw new ReachException(ErrorCatalog.PackPathRefused, $"'{relative}' in the pack is a link; a pack holds only regular files.");
            }

            if (entry is DirectoryInfo)
            {
                Collect(root, entry.FullName, files);
            }
            else
            {
                files.Add(relative);
            }
        }
    }
}
