namespace Reach.Cli.Tests;

public sealed class KeyCommandTests
{
    [Fact]
    public void Generate_with_a_passphrase_lists_the_key_as_encrypted_default_and_trusted()
    {
        using var reach = new ReachProcess();
        var env = new Dictionary<string, string> { ["REACH_KEY_PASSPHRASE"] = "pw" };

        var generated = PackSignCli.Run(reach, env, "key", "generate", "--name", "alice", "--json");
        using var list = PackSignCli.Json(reach, "key", "list");

        Assert.Equal(0, generated.ExitCode);
        var key = Assert.Single(list.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("alice", key.GetProperty("name").GetString());
        Assert.True(key.GetProperty("encrypted").GetBoolean());
        Assert.True(key.GetProperty("default").GetBoolean());
        Assert.True(key.GetProperty("trusted").GetBoolean());
        Assert.Equal(16, key.GetProperty("id").GetString()!.Length);
    }

    [Fact]
    public void Generate_without_a_passphrase_or_a_terminal_is_refused_with_a_code()
    {
        using var reach = new ReachProcess();

        using var result = PackSignCli.Json(reach, "key", "generate");

        Assert.Equal("REACH-5103", PackSignCli.Code(result));
        Assert.False(Directory.Exists(Path.Combine(reach.Home, "keys")));
    }

    [Fact]
    public void Unencrypted_keys_warn()
    {
        using var reach = new ReachProcess();

        var result = reach.Run("key", "generate", "--unencrypted");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning: the secret key is stored unencrypted", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_trust_and_untrust_move_a_public_key_between_homes()
    {
        using var author = new ReachProcess();
        using var reader = new ReachProcess();
        author.Run("key", "generate", "--name", "alice", "--unencrypted");
        var file = Path.Combine(reader.Home, "alice.pub");

        Assert.Equal(0, author.Run("key", "export", "alice", "--public", "--out", file).ExitCode);
        using var trusted = PackSignCli.Json(reader, "key", "trust", file);
        var id = trusted.RootElement.GetProperty("key").GetProperty("id").GetString()!;
        using var untrusted = PackSignCli.Json(reader, "key", "untrust", id);
        using var list = PackSignCli.Json(reader, "key", "list");

        Assert.Equal("alice", trusted.RootElement.GetProperty("key").GetProperty("name").GetString());
        Assert.False(trusted.RootElement.GetProperty("key").GetProperty("secret").GetBoolean());
        Assert.True(untrusted.RootElement.GetProperty("ok").GetBoolean());
        Assert.Empty(list.RootElement.GetProperty("keys").EnumerateArray());
    }

    [Fact]
    public void An_exported_secret_key_imports_and_signs_elsewhere()
    {
        using var first = new ReachProcess();
        using var second = new ReachProcess();
        var env = new Dictionary<string, string> { ["REACH_KEY_PASSPHRASE"] = "pw" };
        PackSignCli.Run(first, env, "key", "generate", "--name", "ci");
        var file = Path.Combine(second.Home, "ci.key");
        first.Run("key", "export", "ci", "--out", file);
        var pack = PackSignCli.CopyHello(second.Home);

        Assert.Equal(0, second.Run("key", "import", file).ExitCode);
        var signed = PackSignCli.Run(second, env, "pack", "sign", pack, "--json");

        Assert.True(signed.ExitCode == 0, signed.Stdout + signed.Stderr);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}
