namespace Reach.Packs.Registry;

/// <summary>A place packs are published to and installed from: an index and the files it names.</summary>
public interface IPackRegistry
{
    /// <summary>The registry's local name.</summary>
    string Name { get; }

    /// <summary>Where it is.</summary>
    string Location { get; }

    /// <summary>Reads <c>index.json</c>; a registry nothing was published to yet has an empty index.</summary>
    RegistryIndex ReadIndex();

    /// <summary>Reads a file the index names; refuses one larger than <paramref name="maxBytes"/> (REACH-5404) before reading it.</summary>
    byte[] ReadFile(string relativePath, long maxBytes);

    /// <summary>Adds files and the index entry that names them.</summary>
    void Publish(RegistryEntry entry, IReadOnlyDictionary<string, byte[]> files);
}
