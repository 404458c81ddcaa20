using System.Diagnostics;
using Reach.Core.Errors;
using Reach.Packs.Install;
using Reach.Packs.Registry;
using Reach.Packs.Signing;
using Reach.Packs.Tests.Install;
using Reach.Packs.Tests.Signing;

namespace Reach.Packs.Tests.Registry;

public sealed class RegistryTests
{
    [Fact]
    public void Publishing_an_unsigned_pack_is_refused()
    {
        using var f = new InstallFixture();

        var error = Assert.Throws<ReachException>(() => PackPublisher.Publish(f.Author.Directory, f.Registry, f.Author.Keys.Trusted()));

        Assert.Equal(ErrorCatalog.PublishUnsigned, error.Error);
        Assert.Empty(f.Registry.ReadIndex().Packs);
    }

    [Fact]
    public void A_published_version_cannot_be_overwritten()
    {
        using var f = new InstallFixture();
        var first = f.Publish();
        var archive = File.ReadAllBytes(Path.Combine(f.Registry.Location, first.Archive));
        f.Author.Write("README.md", "changed");
        PackSigner.Sign(f.Author.Directory, f.Key);

        var error = Assert.Throws<ReachException>(() => PackPublisher.Publish(f.Author.Directory, f.Registry, f.Author.Keys.Trusted()));

        Assert.Equal(ErrorCatalog.VersionAlreadyPublished, error.Error);
        Assert.Equal(archive, File.ReadAllBytes(Path.Combine(f.Registry.Location, first.Archive)));
    }

    [Fact]
    public void Search_matches_name_description_and_tags()
    {
        using var f = new InstallFixture();
        f.Publish("1.0.0");
        f.Publish("1.1.0");

        Assert.Equal(["1.1.0", "1.0.0"], PackSearch.Search([f.Registry], "HELLO").Select(h => h.Entry.Version));
        Assert.Equal(2, PackSearch.Search([f.Registry], "greets").Count);
        Assert.Equal(2, PackSearch.Search([f.Registry], "greeting").Count);
        Assert.Empty(PackSearch.Search([f.Registry], "nothing-like-it"));
    }

    [Fact]
    public void A_git_registry_commits_what_is_published_and_installs_from_the_commit()
    {
        using var f = new InstallFixture();
        var repository = Path.Combine(f.Author.Root, "git-registry");
        Directory.CreateDirectory(repository);
        Git(repository, "init", "--quiet");
        var registry = new GitRegistry("git", repository);
        f.Author.WriteManifest("hello", "1.0.0");
        PackSigner.Sign(f.Author.Directory, f.Key);

        var entry = PackPublisher.Publish(f.Author.Directory, registry, f.Author.Keys.Trusted());
        // An uncommitted change in the work tree is never installed.
        File.WriteAllText(Path.Combine(repository, entry.Archive), "tampered, not committed");
        var result = new PackInstaller(f.Packs, f.Reader.Keys.Trusted()).Install(registry, entry, allowDowngrade: false);

        Assert.Contains("publish hello@1.0.0", Git(repository, "log", "--oneline"), StringComparison.Ordinal);
        Assert.Equal(entry.Digest, result.Digest);
        Assert.Single(registry.ReadIndex().Packs);
    }

    [Fact]
    public void An_index_naming_a_path_outside_the_registry_is_refused()
    {
        using var f = new InstallFixture();
        var entry = f.Publish();
        var index = Path.Combine(f.Registry.Location, "index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace(entry.Archive, "../../outside.tar.gz", StringComparison.Ordinal));

        var error = Assert.Throws<ReachException>(() => f.Install("hello"));

        Assert.Equal(ErrorCatalog.RegistryInvalid, error.Error);
        Assert.True(f.NothingWritten);
    }

    [Fact]
    public void Versions_order_by_semantic_versioning()
    {
        Assert.True(PackVersion.Compare("1.10.0", "1.9.0") > 0);
        Assert.True(PackVersion.Compare("1.0.0-rc.1", "1.0.0") < 0);
        Assert.True(PackVersion.Compare("1.0.0-alpha", "1.0.0-alpha.1") < 0);
        Assert.True(PackVersion.Compare("1.0.0-2", "1.0.0-10") < 0);
        Assert.Equal(0, PackVersion.Compare("1.0.0+build.5", "1.0.0"));
    }

    private static string Git(string repository, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(repository);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {process.StandardError.ReadToEnd()}");
        return output;
    }
}
