using System.Formats.Tar;
using System.IO.Compression;
using Reach.Packs.Install;
using Reach.Packs.Registry;
using Reach.Packs.Signing;
using Reach.Packs.Tests.Signing;

namespace Reach.Packs.Tests.Install;

/// <summary>An author who signs and publishes to a directory registry, and a reader's fresh home that trusts the author.</summary>
internal sealed class InstallFixture : IDisposable
{
    public InstallFixture()
    {
        Author = new TestPack();
        Key = Author.NewKey("author");
        Reader = new TestPack();
        Reader.Keys.Trust(Author.Keys.ExportPublic("author"), null);
        Registry = new DirectoryRegistry("local", Path.Combine(Author.Root, "registry"));
        Directory.CreateDirectory(Registry.Location);
    }

    public TestPack Author { get; }

    public Reach.Packs.Keys.SigningKey Key { get; }

    public TestPack Reader { get; }

    public DirectoryRegistry Registry { get; }

    public string Packs => Path.Combine(Reader.Root, "home", "packs");

    public RegistryEntry Publish(string version = "1.0.0", string name = "hello")
    {
        Author.WriteManifest(name, version);
        PackSigner.Sign(Author.Directory, Key);
        return PackPublisher.Publish(Author.Directory, Registry, Author.Keys.Trusted());
    }

    public PackInstaller Installer(ArchiveLimits? limits = null) =>
        new(Packs, Reader.Keys.Trusted()) { Limits = limits ?? ArchiveLimits.Default };

    public InstallResult Install(string spec, bool allowDowngrade = false, ArchiveLimits? limits = null)
    {
        var (registry, entry) = PackInstaller.Find([Registry], spec);
        return Installer(limits).Install(registry, entry, allowDowngrade);
    }

    public void ReplaceArchive(RegistryEntry entry, byte[] archive) => File.WriteAllBytes(Path.Combine(Registry.Location, entry.Archive), archive);

    /// <summary>True when nothing at all was written under the reader's packs directory.</summary>
    public bool NothingWritten => !Directory.Exists(Packs) || !Directory.EnumerateFileSystemEntries(Packs).Any();

    /// <summary>A gzip-compressed tar with the given entries; a null content with a link target makes a link.</summary>
    public static byte[] Archive(params (string Name, TarEntryType Type, byte[]? Content, string? LinkTarget)[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, type, content, link) in entries)
            {
                var entry = new PaxTarEntry(type, name);
                if (link is not null)
                {
                    entry.LinkName = link;
                }

                if (content is not null)
                {
                    entry.DataStream = new MemoryStream(content);
                }

                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    /// <summary>The published archive's own entries plus one more.</summary>
    public byte[] ArchiveWith(RegistryEntry entry, (string Name, TarEntryType Type, byte[]? Content, string? LinkTarget) extra, string? without = null) =>
        ArchiveWith(entry, [extra], without);

    /// <summary>The published archive's own entries plus <paramref name="extras"/>, in order.</summary>
    public byte[] ArchiveWith(RegistryEntry entry, IEnumerable<(string Name, TarEntryType Type, byte[]? Content, string? LinkTarget)> extras, string? without = null)
    {
        var entries = new List<(string, TarEntryType, byte[]?, string?)>();
        using (var gzip = new GZipStream(new MemoryStream(File.ReadAllBytes(Path.Combine(Registry.Location, entry.Archive))), CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry(copyData: true) is { } e)
            {
                using var data = new MemoryStream();
                e.DataStream?.CopyTo(data);
                if (e.Name != without)
                {
                    entries.Add((e.Name, e.EntryType, data.ToArray(), null));
                }
            }
        }

        entries.AddRange(extras);
        return Archive([.. entries]);
    }

    public void Dispose()
    {
        Key.Dispose();
        Author.Dispose();
        Reader.Dispose();
    }
}
