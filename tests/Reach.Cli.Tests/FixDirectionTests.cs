using System.Text.Json.Nodes;

namespace Reach.Cli.Tests;

/// <summary>Each fix points the way out of the situation at hand, not of a neighbouring one.</summary>
public class FixDirectionTests
{
    [Fact]
    public void A_signature_of_an_older_version_says_to_sign_again()
    {
        using var reach = new ReachProcess();
        reach.Run("key", "generate", "--name", "alice", "--unencrypted");
        var pack = PackSignCli.CopyHello(reach.Home);
        Assert.Equal(0, reach.Run("pack", "sign", pack).ExitCode);
        var file = Path.Combine(pack, "pack.json");
        var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        node["version"] = "1.0.1";
        File.WriteAllText(file, node.ToJsonString());

        using var json = reach.Json("pack", "verify", pack);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("REACH-5205", error.GetProperty("code").GetString());
        Assert.Contains("sign the pack again", error.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Importing_a_stored_key_under_another_name_does_not_suggest_another_name()
    {
        using var reach = new ReachProcess();
        reach.Run("key", "generate", "--name", "alice", "--unencrypted");
        var exported = Path.Combine(reach.Home, "alice.key");
        Assert.Equal(0, reach.Run("key", "export", "alice", "--out", exported).ExitCode);

        using var json = reach.Json("key", "import", exported, "--name", "bob");
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("REACH-5102", error.GetProperty("code").GetString());
        Assert.DoesNotContain("another --name", error.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Contains("alice", error.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Install_with_no_registries_says_none_are_configured()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("pack", "install", "hello");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No registries are configured", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("reach registry add", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("No registry has a pack", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_past_65535_is_out_of_range_not_a_bad_url()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("serve", "--urls", "http://127.0.0.1:99999");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("out of range", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("is not an http", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_postgres_gets_a_fix_about_postgres_not_reach_db()
    {
        using var reach = new ReachProcess();
        var result = reach.Run("serve", "--urls", "http://127.0.0.1:0", "--database", "postgres://reach:secret@127.0.0.1:1/reach");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error[REACH-4008]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", result.Stderr[result.Stderr.IndexOf("fix:", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain("reach.db", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("canonicalize")]
    [InlineData("verify")]
    [InlineData("replay")]
    public void A_missing_input_file_is_an_input_error_exit_2_for_every_command(string command)
    {
        using var reach = new ReachProcess();
        var result = reach.Run(command, Path.Combine(reach.Home, "missing.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"error\[REACH-(9030|1105)\]", result.Stderr);
    }
}
