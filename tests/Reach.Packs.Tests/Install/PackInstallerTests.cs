using System.Formats.Tar;
using System.Text;
using Reach.Core.Errors;
using Reach.Packs.Install;
using Reach.Packs.Signing;

namespace Reach.Packs.Tests.Install;

public sealed class PackInstallerTests
{
    [Fact]
    public void A_published_pack_installs_verifies_and_is_locked()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();

        var result = f.Install("hello");

        Assert.Equal(("hello", "1.0.0", entry.Digest), (result.Name, result.Version, result.Digest));
        Assert.Equal(entry.Digest, PackVerifier.Verify(result.Directory, f.Reader.Keys.Trusted()).Digest.ToString());
        Assert.Equal("1.0.0", InstallLock.Read(f.Packs).Packs["hello"].Version);
        Assert.Empty(Directory.GetDirectories(f.Packs, ".staging-*"));
    }

    [Fact]
    public void Installing_picks_the_newest_version_and_upgrades()
    {
        using var f = new InstallFixture();
        f.Publish("1.0.0");
        f.Install("hello@1.0.0");
        f.Publish("1.10.0");
        f.Publish("1.9.0");

        var result = f.Install("hello");

        Assert.Equal(("1.10.0", "1.0.0"), (result.Version, result.PreviousVersion));
    }

    [Fact]
    public void A_downgrade_is_refused_unless_allowed()
    {
        using var f = new InstallFixture();
        f.Publish("1.0.0");
        f.Publish("2.0.0");
        f.Install("hello@2.0.0");
        var lockBefore = File.ReadAllText(Path.Combine(f.Packs, InstallLock.FileName));

        var error = Assert.Throws<ReachException>(() => f.Install("hello@1.0.0"));

        Assert.Equal(ErrorCatalog.Downgrade, error.Error);
        Assert.Equal(lockBefore, File.ReadAllText(Path.Combine(f.Packs, InstallLock.FileName)));
        Assert.False(Directory.Exists(Path.Combine(f.Packs, "hello", "1.0.0")));
        Assert.Equal("1.0.0", f.Install("hello@1.0.0", allowDowngrade: true).Version);
    }

    [Fact]
    public void An_entry_with_dot_dot_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        f.ReplaceArchive(entry, f.ArchiveWith(entry, ("../evil.txt", TarEntryType.RegularFile, "x"u8.ToArray(), null)));

        AssertRefused(f, ErrorCatalog.ArchivePathTraversal);
        Assert.False(File.Exists(Path.Combine(f.Reader.Root, "home", "evil.txt")));
    }

    [Fact]
    public void An_entry_with_an_absolute_path_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        var target = Path.Combine(f.Reader.Root, "absolute.txt");
        f.ReplaceArchive(entry, f.ArchiveWith(entry, (target, TarEntryType.RegularFile, "x"u8.ToArray(), null)));

        AssertRefused(f, ErrorCatalog.ArchiveAbsolutePath);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void A_symlink_pointing_outside_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        f.ReplaceArchive(entry, f.ArchiveWith(entry, ("data/passwd", TarEntryType.SymbolicLink, null, "/etc/passwd")));

        AssertRefused(f, ErrorCatalog.ArchiveLink);
    }

    [Fact]
    public void A_hard_link_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        f.ReplaceArchive(entry, f.ArchiveWith(entry, ("data/shadow", TarEntryType.HardLink, null, "../../shadow")));

        AssertRefused(f, ErrorCatalog.ArchiveLink);
    }

    [Fact]
    public void An_archive_over_the_size_limit_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        var noise = new byte[300_000];
        new Random(7).NextBytes(noise);
        f.ReplaceArchive(entry, f.ArchiveWith(entry, ("data/big.bin", TarEntryType.RegularFile, noise, null)));

        AssertRefused(f, ErrorCatalog.ArchiveTooLarge, new ArchiveLimits { MaxEntryBytes = 100_000 });
        AssertRefused(f, ErrorCatalog.ArchiveTooLarge, new ArchiveLimits { MaxTotalBytes = 200_000 });
        AssertRefused(f, ErrorCatalog.ArchiveTooLarge, new ArchiveLimits { MaxArchiveBytes = 100_000 });
    }

    [Fact]
    public void An_archive_with_an_extreme_compression_ratio_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        f.ReplaceArchive(entry, f.ArchiveWith(entry, ("data/zeros.bin", TarEntryType.RegularFile, new byte[12 * 1024 * 1024], null)));

        AssertRefused(f, ErrorCatalog.ArchiveCompressionRatio);
    }

    [Fact]
    public void A_file_swapped_in_the_archive_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        var archive = f.ArchiveWith(entry, ("extra.txt", TarEntryType.RegularFile, "smuggled"u8.ToArray(), null));
        f.ReplaceArchive(entry, archive);

        AssertRefused(f, ErrorCatalog.PackChangedAfterSigning);
    }

    [Fact]
    public void A_stripped_signature_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        f.ReplaceArchive(entry, f.ArchiveWith(entry, ("README.md.bak", TarEntryType.RegularFile, "x"u8.ToArray(), null), without: PackSignatureFiles.Signature));

        AssertRefused(f, ErrorCatalog.SignatureMissing);
    }

    [Fact]
    public void A_pack_by_an_untrusted_key_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        f.Publish();
        f.Reader.Keys.Untrust("author");

        AssertRefused(f, ErrorCatalog.KeyNotTrusted);
    }

    [Fact]
    public void A_registry_entry_carrying_another_packs_signature_is_refused()
    {
        using var f = new InstallFixture();
        var hello = f.Publish();
        var other = f.Publish("1.0.0", name: "other");
        File.Copy(Path.Combine(f.Registry.Location, other.Signature), Path.Combine(f.Registry.Location, hello.Signature), overwrite: true);

        AssertRefused(f, ErrorCatalog.SignatureOtherPack, spec: "hello");
    }

    [Fact]
    public void A_registry_entry_carrying_an_older_versions_signature_is_refused()
    {
        using var f = new InstallFixture();
        var old = f.Publish("1.0.0");
        var current = f.Publish("2.0.0");
        File.Copy(Path.Combine(f.Registry.Location, old.Signature), Path.Combine(f.Registry.Location, current.Signature), overwrite: true);

        AssertRefused(f, ErrorCatalog.SignatureOtherVersion, spec: "hello@2.0.0");
    }

    [Fact]
    public void An_index_whose_digest_disagrees_with_the_signature_is_refused()
    {
        using var f = new InstallFixture();
        f.Publish();
        var index = Path.Combine(f.Registry.Location, "index.json");
        var text = File.ReadAllText(index);
        var digest = System.Text.RegularExpressions.Regex.Match(text, "sha256:[0-9a-f]{64}").Value;
        File.WriteAllText(index, text.Replace(digest, "sha256:" + new string('0', 64), StringComparison.Ordinal));

        AssertRefused(f, ErrorCatalog.RegistryEntryMismatch);
    }

    [Fact]
    public void A_blanked_registry_signature_is_refused_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        File.WriteAllText(Path.Combine(f.Registry.Location, entry.Signature), "");

        AssertRefused(f, ErrorCatalog.SignatureMalformed);
    }

    [Fact]
    public void A_garbage_archive_is_malformed()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        f.ReplaceArchive(entry, Encoding.ASCII.GetBytes("this is not gzip"));

        AssertRefused(f, ErrorCatalog.ArchiveMalformed);
    }

    [Fact]
    public void Directory_entries_count_against_the_entry_limit_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        var directories = Enumerable.Range(0, 60).Select(i => ($"d{i}/", TarEntryType.Directory, (byte[]?)null, (string?)null));
        f.ReplaceArchive(entry, f.ArchiveWith(entry, directories));

        AssertRefused(f, ErrorCatalog.ArchiveTooLarge, new ArchiveLimits { MaxEntries = 50 });
    }

    [Fact]
    public void Directories_a_deep_path_implies_count_against_the_entry_limit_and_nothing_is_written()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        var deep = Enumerable.Range(0, 10).Select(i => Entry($"d{i}/a/b/c/d/e/f.txt", TarEntryType.RegularFile));
        f.ReplaceArchive(entry, f.ArchiveWith(entry, deep));

        AssertRefused(f, ErrorCatalog.ArchiveTooLarge, new ArchiveLimits { MaxEntries = 50 });
    }

    [Theory]
    [InlineData("data/x", TarEntryType.Directory, "data/x", TarEntryType.RegularFile)]
    [InlineData("data/x", TarEntryType.RegularFile, "data/x", TarEntryType.Directory)]
    [InlineData("data/x", TarEntryType.RegularFile, "data/x/inner.txt", TarEntryType.RegularFile)]
    [InlineData("data/x/inner.txt", TarEntryType.RegularFile, "data/x", TarEntryType.RegularFile)]
    public void A_name_that_is_both_a_file_and_a_directory_is_refused_and_nothing_is_written(string first, TarEntryType firstType, string second, TarEntryType secondType)
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        f.ReplaceArchive(entry, f.ArchiveWith(entry, [Entry(first, firstType), Entry(second, secondType)]));

        AssertRefused(f, ErrorCatalog.ArchiveFileDirectoryClash);
    }

    [Theory]
    [InlineData(5000, 1)]
    [InlineData(256, 1)]
    [InlineData(2, 1700)]
    public void An_entry_whose_name_is_too_long_is_refused_and_nothing_is_written(int segmentLength, int depth)
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        var name = string.Join('/', Enumerable.Repeat(new string('a', segmentLength), depth)) + "/f.txt";
        f.ReplaceArchive(entry, f.ArchiveWith(entry, Entry(name, TarEntryType.RegularFile)));

        AssertRefused(f, ErrorCatalog.ArchiveNameTooLong);
    }

    private static (string, TarEntryType, byte[]?, string?) Entry(string name, TarEntryType type) =>
        (name, type, type == TarEntryType.Directory ? null : "x"u8.ToArray(), null);

    private static void AssertRefused(InstallFixture f, ErrorCode code, ArchiveLimits? limits = null, string spec = "hello@1.0.0")
    {
        var error = Assert.Throws<ReachException>(() => f.Install(spec, limits: limits));
        Assert.Equal(code, error.Error);
        Assert.True(f.NothingWritten, $"something was written under {f.Packs}");
    }
}
