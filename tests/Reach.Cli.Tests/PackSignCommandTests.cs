namespace Reach.Cli.Tests;

public sealed class PackSignCommandTests
{
    [Fact]
    public void A_signed_pack_verifies_with_reach_and_with_minisign()
    {
        using var reach = new ReachProcess();
        reach.Run("key", "generate", "--name", "alice", "--unencrypted");
        var pack = PackSignCli.CopyHello(reach.Home);
        var publicKey = Path.Combine(reach.Home, "alice.pub");
        reach.Run("key", "export", "alice", "--public", "--out", publicKey);

        using var signed = PackSignCli.Json(reach, "pack", "sign", pack);
        using var verified = PackSignCli.Json(reach, "pack", "verify", pack);
        var (exit, output) = ExternalTool.Run("minisign", "-V", "-p", publicKey, "-m", Path.Combine(pack, "pack.digest"));

        Assert.True(signed.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(signed.RootElement.GetProperty("digest").GetString(), verified.RootElement.GetProperty("digest").GetString());
        Assert.Equal("alice", verified.RootElement.GetProperty("signer").GetString());
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void Reach_verifies_a_pack_minisign_signed_once_its_key_is_trusted()
    {
        using var reach = new ReachProcess();
        var pack = PackSignCli.CopyHello(reach.Home);
        var secret = Path.Combine(reach.Home, "m.key");
        var publicKey = Path.Combine(reach.Home, "m.pub");
        Assert.Equal(0, ExternalTool.Run("minisign", "-G", "-W", "-f", "-p", publicKey, "-s", secret).ExitCode);
        // Reach writes the digest file and signs; minisign then re-signs the same digest file with its own key.
        reach.Run("key", "generate", "--unencrypted");
        using var signed = PackSignCli.Json(reach, "pack", "sign", pack);
        var comment = $$"""{"digest":"{{signed.RootElement.GetProperty("digest").GetString()}}","name":"hello","type":"reach-pack/1","version":"1.0.0"}""";
        Assert.Equal(0, ExternalTool.Run("minisign", "-S", "-s", secret, "-m", Path.Combine(pack, "pack.digest"), "-t", comment).ExitCode);

        using var untrusted = PackSignCli.Json(reach, "pack", "verify", pack);
        reach.Run("key", "trust", publicKey, "--name", "minisign-user");
        using var trusted = PackSignCli.Json(reach, "pack", "verify", pack);

        Assert.Equal("REACH-5203", PackSignCli.Code(untrusted));
        Assert.Equal("minisign-user", trusted.RootElement.GetProperty("signer").GetString());
    }

    [Fact]
    public void Verify_reports_a_swapped_file_with_its_code_and_exit_1()
    {
        using var reach = new ReachProcess();
        reach.Run("key", "generate", "--unencrypted");
        var pack = PackSignCli.CopyHello(reach.Home);
        reach.Run("pack", "sign", pack);
        File.WriteAllText(Path.Combine(pack, "README.md"), "swapped");

        var result = reach.Run("pack", "verify", pack);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error[REACH-5206]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'README.md' was changed", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_require_signed_refuses_an_unsigned_pack_and_runs_a_signed_one()
    {
        using var reach = new ReachProcess();
        reach.Run("key", "generate", "--unencrypted");
        var pack = PackSignCli.CopyHello(reach.Home);

        using var unsigned = PackSignCli.Json(reach, "run", pack, "--require-signed");
        var byConfig = PackSignCli.Run(reach, new Dictionary<string, string> { ["REACH_REQUIRE_SIGNED"] = "1" }, "run", pack, "--json");
        var runsDir = Path.Combine(reach.Home, "runs");
        var transcriptsBefore = Directory.Exists(runsDir) ? Directory.GetFiles(runsDir, "*.jsonl").Length : 0;
        reach.Run("pack", "sign", pack);
        using var signed = PackSignCli.Json(reach, "run", pack, "--require-signed");

        Assert.Equal("REACH-5201", PackSignCli.Code(unsigned));
        Assert.Equal(1, byConfig.ExitCode);
        Assert.Contains("REACH-5201", byConfig.Stdout, StringComparison.Ordinal);
        Assert.Equal("succeeded", signed.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, transcriptsBefore);
    }

    [Fact]
    public void Run_with_require_signed_refuses_a_pack_signed_by_an_untrusted_key()
    {
        using var author = new ReachProcess();
        using var reader = new ReachProcess();
        author.Run("key", "generate", "--unencrypted");
        var pack = PackSignCli.CopyHello(author.Home);
        author.Run("pack", "sign", pack);

        using var result = PackSignCli.Json(reader, "run", pack, "--require-signed");

        Assert.Equal("REACH-5203", PackSignCli.Code(result));
    }
}
