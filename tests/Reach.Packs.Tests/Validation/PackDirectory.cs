namespace Reach.Packs.Tests.Validation;

/// <summary>A pack in a temporary directory, deleted on dispose; and where the repository is.</summary>
internal sealed class PackDirectory : IDisposable
{
    public const string Good = """
        {
          "$schema": "https://reach.dev/schemas/pack.schema.json",
          "name": "good",
          "version": "1.0.0",
          "description": "A pack every rule accepts.",
          "inputs": { "name": { "type": "string", "default": "world" } },
          "tools": [
            { "name": "text.template", "cost": 1 },
            { "name": "fs.write", "permissions": ["fs:write"], "cost": 1 }
          ],
          "steps": [
            { "id": "greet", "tool": "text.template", "input": { "template": "Hello, {{name}}!", "values": { "name": "${inputs.name}" } } },
            { "id": "save", "tool": "fs.write", "input": { "path": "out.txt", "content": "${steps.greet.output}" } }
          ],
          "budgets": { "max_steps": 5, "max_tool_calls": 5, "max_cost": 5, "max_duration": "10s" }
        }
        """;

    public PackDirectory(string manifest = Good)
    {
        Path = Directory.CreateTempSubdirectory("reach-pack-").FullName;
        File.WriteAllText(System.IO.Path.Combine(Path, "pack.json"), manifest);
    }

    public string Path { get; }

    public void Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
