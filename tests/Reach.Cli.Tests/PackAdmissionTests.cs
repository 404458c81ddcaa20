using System.Text.Json.Nodes;
using Reach.Packs.Keys;
using Reach.Packs.Signing;

namespace Reach.Cli.Tests;

/// <summary>run, pack sign and pack publish refuse a pack that `reach pack validate` rejects; warnings pass.</summary>
public class PackAdmissionTests
{
    [Fact]
    public void Run_refuses_a_pack_without_budgets_with_the_validation_findings()
    {
        using var reach = new ReachProcess();
        var pack = Edit(PackSignCli.CopyHello(reach.Home), node => node.Remove("budgets"));
        var result = reach.Run("run", pack);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error[REACH-5001]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("PACK006", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(Path.Combine(reach.Home, "runs")) ? Directory.GetFiles(Path.Combine(reach.Home, "runs"), "*.jsonl") : []);
    }

    [Fact]
    public void Run_refuses_a_pack_whose_version_is_not_semantic_in_json_too()
    {
        using var reach = new ReachProcess();
        var pack = Edit(PackSignCli.CopyHello(reach.Home), node => node["version"] = "1.0");
        using var json = reach.Json("run", pack);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("REACH-5001", error.GetProperty("code").GetString());
        Assert.Contains("PACK001", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_still_runs_a_pack_with_warnings_only()
    {
        using var reach = new ReachProcess();
        var pack = Edit(PackSignCli.CopyHello(reach.Home), node => node.Remove("description"));
        using var json = reach.Json("run", pack);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean(), json.RootElement.GetRawText());
    }

    [Fact]
    public void Sign_refuses_a_pack_with_a_file_it_does_not_account_for()
    {
        using var reach = new ReachProcess();
        reach.Run("key", "generate", "--name", "alice", "--unencrypted");
        var pack = PackSignCli.CopyHello(reach.Home);
        File.WriteAllText(Path.Combine(pack, "stray.txt"), "not listed\n");
        var result = reach.Run("pack", "sign", pack);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error[REACH-5001]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("PACK010", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(pack, "pack.digest")));
    }

    [Fact]
    public void Publish_refuses_a_signed_pack_with_a_validation_error()
    {
        using var reach = new ReachProcess();
        reach.Run("key", "generate", "--name", "alice", "--unencrypted");
        var registry = Path.Combine(reach.Home, "registry");
        Directory.CreateDirectory(registry);
        Assert.Equal(0, reach.Run("registry", "add", "team", registry).ExitCode);
        var pack = PackSignCli.CopyHello(reach.Home);
        File.WriteAllText(Path.Combine(pack, "stray.txt"), "not listed\n");
        // Signed in process, as an older reach (or another tool) would have: the signature covers the stray file.
        PackSigner.Sign(pack, new KeyStore(Path.Combine(reach.Home, "keys")).Open("alice", _ => null));

        var result = reach.Run("pack", "publish", pack, "--registry", "team");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error[REACH-5001]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("PACK010", result.Stderr, StringComparison.Ordinal);
    }

    private static string Edit(string pack, Action<JsonObject> change)
    {
        var file = Path.Combine(pack, "pack.json");
        var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        change(node);
        File.WriteAllText(file, node.ToJsonString());
        return pack;
    }
}
