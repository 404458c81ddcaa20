namespace Reach.Testing;

/// <summary>The repository the tests run from: its root (where Reach.slnx is) and paths under it.</summary>
public static class Repository
{
    private static readonly Lazy<string> FoundRoot = new(FindRoot);

    /// <summary>The directory holding Reach.slnx, found upwards from the test binaries.</summary>
    public static string Root => FoundRoot.Value;

    /// <summary>A path under the root, one segment per argument (<c>Repository.Path("tests", "golden")</c>).</summary>
    public static string Path(params string[] segments) => System.IO.Path.Combine([Root, .. segments]);

    /// <summary>The directory of an example pack (<c>examples/packs/NAME</c>).</summary>
    public static string Example(string name) => Path("examples", "packs", name);

    private static string FindRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(System.IO.Path.Combine(directory, "Reach.slnx")))
        {
            directory = System.IO.Path.GetDirectoryName(directory) ?? throw new InvalidOperationException($"Reach.slnx is not above the test binaries ({AppContext.BaseDirectory}).");
        }

        return directory;
    }
}
