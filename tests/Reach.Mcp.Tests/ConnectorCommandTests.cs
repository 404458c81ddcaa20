namespace Reach.Mcp.Tests;

/// <summary><c>reach connector add|pin|list|inspect|remove</c> on the official filesystem server.</summary>
public sealed class ConnectorCommandTests
{
    [Fact]
    public void Inspect_shows_each_tools_permissions_and_risk_from_its_annotations()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, harness.Data);

        var inspect = harness.Reach("connector", "inspect", "fs", "--json");

        McpHarness.Succeeds(inspect);
        var tools = JsonNode.Parse(inspect.Stdout)!["tools"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!);
        Assert.Equal("low", tools["fs/read_text_file"]["risk"]!.GetValue<string>());
        Assert.Equal(["mcp:read"], tools["fs/read_text_file"]["permissions"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("high", tools["fs/write_file"]["risk"]!.GetValue<string>());
        Assert.Equal("medium", tools["fs/create_directory"]["risk"]!.GetValue<string>());
        Assert.Contains("path", tools["fs/write_file"]["required"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.StartsWith("sha256:", tools["fs/write_file"]["digest"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pinning_again_names_the_tools_whose_definitions_changed()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("rug", "--", "node", McpHarness.TestServer, harness.State);
        File.WriteAllText(Path.Combine(harness.State, "description.txt"), "A new description.");

        var pin = harness.Reach("connector", "pin", "rug", "--json");

        McpHarness.Succeeds(pin);
        var change = Assert.Single(JsonNode.Parse(pin.Stdout)!["changes"]!.AsArray());
        Assert.Equal("rug/greet", change!["tool"]!.GetValue<string>());
        Assert.Equal("changed", change["change"]!.GetValue<string>());
    }

    [Fact]
    public void Pinning_again_with_nothing_changed_says_no_changes()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("rug", "--", "node", McpHarness.TestServer, harness.State);

        var pin = harness.Reach("connector", "pin", "rug");
        var json = harness.Reach("connector", "pin", "rug", "--json");

        McpHarness.Succeeds(pin);
        Assert.Contains("no changes", pin.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("rug/greet", pin.Stdout, StringComparison.Ordinal);
        Assert.False(JsonNode.Parse(json.Stdout)!["changed"]!.GetValue<bool>());
    }

    [Fact]
    public void Pin_says_on_stderr_that_it_is_starting_the_server_and_nothing_under_json_or_quiet()
    {
        using var harness = new McpHarness();
        McpHarness.Succeeds(harness.Reach("connector", "add", "rug", "--", "node", McpHarness.TestServer, harness.State));

        var pin = harness.Reach("connector", "pin", "rug");
        var json = harness.Reach("connector", "pin", "rug", "--json");
        var quiet = harness.Reach("connector", "pin", "rug", "--quiet");

        McpHarness.Succeeds(pin);
        Assert.Contains("pinning rug: starting its server", pin.Stderr, StringComparison.Ordinal);
        Assert.Contains("done in ", pin.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("pinning rug", pin.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("pinning", json.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("pinning", quiet.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, quiet.Stdout);
    }

    [Fact]
    public void A_removed_connector_is_no_longer_listed_and_cannot_be_proxied()
    {
        using var harness = new McpHarness();
        harness.AddAndPin("fs", "--", "node", McpHarness.FilesystemServer, harness.Data);

        McpHarness.Succeeds(harness.Reach("connector", "remove", "fs"));

        var list = harness.Reach("connector", "list", "--json");
        Assert.Empty(JsonNode.Parse(list.Stdout)!["connectors"]!.AsArray());
        var proxy = harness.Run("dotnet", McpHarness.ProxyArgs("fs"), string.Empty);
        Assert.Equal(2, proxy.ExitCode);
        Assert.Contains("REACH-6002", proxy.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unpinned_connector_cannot_be_proxied()
    {
        using var harness = new McpHarness();
        McpHarness.Succeeds(harness.Reach("connector", "add", "fs", "--", "node", McpHarness.FilesystemServer, harness.Data));

        var proxy = harness.Run("dotnet", McpHarness.ProxyArgs("fs"), string.Empty);

        Assert.Equal(2, proxy.ExitCode);
        Assert.Contains("REACH-6007", proxy.Stderr, StringComparison.Ordinal);
    }
}
