using Reach.Core.Errors;
using Reach.Packs.Keys;

namespace Reach.Packs.Tests.Signing;

/// <summary>A temporary directory holding a small pack, a key store beside it, and cleanup.</summary>
internal sealed class TestPack : IDisposable
{
    public TestPack(string name = "hello", string version = "1.0.0", IReadOnlyDictionary<string, string>? files = null)
    {
        Root = System.IO.Directory.CreateTempSubdirectory("reach-packs-test-").FullName;
        Directory = Path.Combine(Root, "pack");
        System.IO.Directory.CreateDirectory(Directory);
        WriteManifest(name, version);
        foreach (var (path, text) in files ?? new Dictionary<string, string> { ["README.md"] = "Says hello.\n", ["data/greeting.txt"] = "Hello\n" })
        {
            Write(path, text);
        }

        Keys = new KeyStore(Path.Combine(Root, "keys"));
    }

    public string Root { get; }

    public string Directory { get; }

    public KeyStore Keys { get; }

    public static string Manifest(string name, string version, string extra = "") =>
        $$$"""{"name":"{{{name}}}","version":"{{{version}}}","description":"Greets someone.","tags":["demo","greeting"]{{{extra}}},"tools":[{"name":"text.template"}],"steps":[{"id":"greet","tool":"text.template","input":{"template":"Hello!"}}]}""";

    public void WriteManifest(string name, string version) => Write("pack.json", Manifest(name, version));

    public void Write(string relative, string text)
    {
        var path = Path.Combine(Directory, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Generates an unencrypted key in the store and opens it.</summary>
    public SigningKey NewKey(string name = "main")
    {
        Keys.Generate(name, passphrase: null);
        return Keys.Open(name, _ => null);
    }

    public static ReachException Refused(Action action) => Assert.Throws<ReachException>(action);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
