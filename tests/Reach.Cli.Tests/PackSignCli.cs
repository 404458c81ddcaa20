namespace Reach.Cli.Tests;

/// <summary>Helpers for the pack trust end-to-end tests: reach with extra environment variables, a small pack (minisign and git: Reach.Testing's ExternalTool).</summary>
internal static class PackSignCli
{
    public static ReachProcess.Result Run(ReachProcess reach, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        reach.RunIn(null, environment.ToDictionary(v => v.Key, string? (v) => v.Value, StringComparer.Ordinal), args);

    public static JsonDocument Json(ReachProcess reach, params string[] args)
    {
        var result = reach.Run([.. args, "--json"]);
        try
        {
            return JsonDocument.Parse(result.Stdout);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"reach {string.Join(' ', args)} --json (exit {result.ExitCode}):\n{result.Stdout}\n{result.Stderr}", ex);
        }
    }

    public static string Code(JsonDocument document) => document.RootElement.GetProperty("error").GetProperty("code").GetString()!;

    /// <summary>Copies examples/packs/hello into a temp directory.</summary>
    public static string CopyHello(string root, string version = "1.0.0")
    {
        var dir = Path.Combine(root, "hello-" + version);
        Directory.CreateDirectory(dir);
        var manifest = File.ReadAllText(Path.Combine(ReachProcess.Example("hello"), "pack.json"));
        using var document = JsonDocument.Parse(manifest);
        var node = System.Text.Json.Nodes.JsonNode.Parse(manifest)!.AsObject();
        node["version"] = version;
        node["tags"] = new System.Text.Json.Nodes.JsonArray("demo", "greeting");
        File.WriteAllText(Path.Combine(dir, "pack.json"), node.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "README.md"), "Greets someone.\n");
        return dir;
    }
}
