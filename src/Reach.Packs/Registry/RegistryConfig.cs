namespace Reach.Packs.Registry;

/// <summary>The registries this machine knows, kept in <c>REACH_HOME/registries.json</c>.</summary>
public sealed class RegistryConfig
{
    private readonly string _path;

    /// <summary>Opens the list at <paramref name="path"/>.</summary>
    public RegistryConfig(string path)
    {
        _path = path;
    }

    /// <summary>Every registry, in search order.</summary>
    public List<RegisteredRegistry> List()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(_path), RegistryJsonContext.Default.RegistryList)?.Registries ?? [];
        }
        catch (JsonException ex)
        {
            throw new ReachException(ErrorCatalog.RegistryInvalid, $"{_path} is not valid: {ex.Message}");
        }
    }

    /// <summary>Adds a registry; <paramref name="type"/> null detects git repositories.</summary>
    public RegisteredRegistry Add(string name, string path, string? type)
    {
        if (!RegistryPaths.IsSegment(name))
        {
            throw new ReachException(ErrorCatalog.Usage, $"'{name}' is not a registry name: use letters, digits, '.', '-' or '_'.");
        }

        var full = Path.GetFullPath(path);
        var registries = List();
        if (registries.Exists(r => r.Name == name))
        {
            throw new ReachException(ErrorCatalog.RegistryExists, $"A registry named '{name}' already exists.");
        }

        if (type is not (null or "dir" or "git"))
        {
            throw new ReachException(ErrorCatalog.Usage, $"--type must be dir or git, not '{type}'.");
        }

        var detected = type ?? (GitRegistry.IsRepository(full) ? "git" : "dir");
        if (detected == "dir")
        {
            Directory.CreateDirectory(full);
        }

        var entry = new RegisteredRegistry { Name = name, Path = full, Type = detected };
        entry.Open().ReadIndex();
        registries.Add(entry);
        Save(registries);
        return entry;
    }

    /// <summary>Removes a registry from the list (its files stay).</summary>
    public RegisteredRegistry Remove(string name)
    {
        var registries = List();
        var entry = Get(name, registries);
        registries.Remove(entry);
        Save(registries);
        return entry;
    }

    /// <summary>Finds a registry by name.</summary>
    public RegisteredRegistry Get(string name) => Get(name, List());

    private static RegisteredRegistry Get(string name, List<RegisteredRegistry> registries) =>
        registries.Find(r => r.Name == name) ?? throw new ReachException(ErrorCatalog.RegistryNotFound, $"No registry named '{name}'.");

    private void Save(List<RegisteredRegistry> registries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllBytes(_path + ".tmp", JsonSerializer.SerializeToUtf8Bytes(new RegistryList { Registries = registries }, RegistryJsonContext.Default.RegistryList));
        File.Move(_path + ".tmp", _path, overwrite: true);
    }
}
