namespace Reach.Cli.Tests;

public sealed class PackInstallCommandTests
{
    [Fact]
    public void A_pack_published_to_a_directory_and_a_git_registry_installs_in_a_fresh_home_and_runs()
    {
        using var author = new ReachProcess();
        using var reader = new ReachProcess();
        author.Run("key", "generate", "--name", "alice", "--unencrypted");
        // The pack a newcomer makes: `reach pack init`, straight from the template.
        var pack = Path.Combine(author.Home, "greeter");
        Assert.Equal(0, author.Run("pack", "init", "greeter", "--dir", pack).ExitCode);
        var dirRegistry = Path.Combine(author.Home, "registry-dir");
        var gitRegistry = Path.Combine(author.Home, "registry-git");
        Directory.CreateDirectory(gitRegistry);
        Assert.Equal(0, ExternalTool.Run("git", "-C", gitRegistry, "init", "--quiet").ExitCode);
        var publicKey = Path.Combine(reader.Home, "alice.pub");
        author.Run("key", "export", "alice", "--public", "--out", publicKey);

        Assert.Equal(0, author.Run("pack", "sign", pack).ExitCode);
        Assert.Equal(0, author.Run("registry", "add", "dir", dirRegistry).ExitCode);
        using var added = PackSignCli.Json(author, "registry", "add", "git", gitRegistry);
        Assert.Equal("git", added.RootElement.GetProperty("registry").GetProperty("type").GetString());
        using var toDir = PackSignCli.Json(author, "pack", "publish", pack, "--registry", "dir");
        using var toGit = PackSignCli.Json(author, "pack", "publish", pack, "--registry", "git");
        using var again = PackSignCli.Json(author, "pack", "publish", pack, "--registry", "git");
        Assert.True(toDir.RootElement.GetProperty("ok").GetBoolean(), toDir.RootElement.ToString());
        Assert.True(toGit.RootElement.GetProperty("ok").GetBoolean(), toGit.RootElement.ToString());
        Assert.Equal("REACH-5305", PackSignCli.Code(again));

        foreach (var registry in new[] { gitRegistry, dirRegistry })
        {
            using var fresh = new ReachProcess();
            fresh.Run("key", "trust", publicKey);
            fresh.Run("registry", "add", "team", registry);
            using var found = PackSignCli.Json(fresh, "pack", "search", "greet");
            var hit = Assert.Single(found.RootElement.GetProperty("results").EnumerateArray());
            Assert.Equal("greeter", hit.GetProperty("name").GetString());

            using var installed = PackSignCli.Json(fresh, "pack", "install", "greeter");
            Assert.True(installed.RootElement.GetProperty("ok").GetBoolean(), installed.RootElement.ToString());
            Assert.Equal("alice", installed.RootElement.GetProperty("signer").GetString());

            // Offline: the registry is gone; the installed pack verifies from REACH_HOME alone, and runs by name.
            fresh.Run("registry", "remove", "team");
            using var verified = PackSignCli.Json(fresh, "pack", "verify", "greeter");
            using var ran = PackSignCli.Json(fresh, "run", "greeter", "--require-signed");
            Assert.True(verified.RootElement.GetProperty("cached").GetBoolean());
            Assert.Equal("succeeded", ran.RootElement.GetProperty("status").GetString());
        }
    }

    [Fact]
    public void Install_refuses_an_untrusted_key_and_a_downgrade_writing_nothing()
    {
        using var author = new ReachProcess();
        using var reader = new ReachProcess();
        author.Run("key", "generate", "--name", "alice", "--unencrypted");
        var registry = Path.Combine(author.Home, "registry");
        author.Run("registry", "add", "r", registry);
        foreach (var version in new[] { "1.0.0", "2.0.0" })
        {
            var pack = PackSignCli.CopyHello(author.Home, version);
            author.Run("pack", "sign", pack);
            Assert.Equal(0, author.Run("pack", "publish", pack, "--registry", "r").ExitCode);
        }

        reader.Run("registry", "add", "r", registry);
        using var untrusted = PackSignCli.Json(reader, "pack", "install", "hello");
        Assert.Equal("REACH-5203", PackSignCli.Code(untrusted));
        Assert.False(Directory.Exists(Path.Combine(reader.Home, "packs")));

        var publicKey = Path.Combine(reader.Home, "alice.pub");
        author.Run("key", "export", "alice", "--public", "--out", publicKey);
        reader.Run("key", "trust", publicKey);
        using var latest = PackSignCli.Json(reader, "pack", "install", "hello");
        using var downgrade = PackSignCli.Json(reader, "pack", "install", "hello@1.0.0");
        using var allowed = PackSignCli.Json(reader, "pack", "install", "hello@1.0.0", "--allow-downgrade");

        Assert.Equal("2.0.0", latest.RootElement.GetProperty("version").GetString());
        Assert.Equal("REACH-5406", PackSignCli.Code(downgrade));
        Assert.Equal("1.0.0", allowed.RootElement.GetProperty("version").GetString());
        Assert.Equal("2.0.0", allowed.RootElement.GetProperty("previous_version").GetString());
    }

    [Fact]
    public void Publishing_an_unsigned_pack_is_refused()
    {
        using var reach = new ReachProcess();
        var pack = PackSignCli.CopyHello(reach.Home);
        reach.Run("registry", "add", "r", Path.Combine(reach.Home, "registry"));

        using var result = PackSignCli.Json(reach, "pack", "publish", pack, "--registry", "r");

        Assert.Equal("REACH-5304", PackSignCli.Code(result));
    }
}
