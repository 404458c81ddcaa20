using System.Text.Json.Serialization;

namespace Reach.Packs.Registry;

/// <summary>A registry this machine knows (<c>REACH_HOME/registries.json</c>).</summary>
public sealed record RegisteredRegistry
{
    /// <summary>The local name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The directory or local git repository.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary><c>dir</c> or <c>git</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Opens it.</summary>
    public IPackRegistry Open() => Type == "git" ? new GitRegistry(Name, Path) : new DirectoryRegistry(Name, Path);
}

/// <summary>The file listing the registries.</summary>
public sealed record RegistryList
{
    /// <summary>The registries, in the order they are searched.</summary>
    [JsonPropertyName("registries")]
    public List<RegisteredRegistry> Registries { get; init; } = [];
}
