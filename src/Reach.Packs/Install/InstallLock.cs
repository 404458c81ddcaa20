using System.Text.Json.Serialization;
using Reach.Packs.Registry;

namespace Reach.Packs.Install;

/// <summary>
/// <c>REACH_HOME/packs/lock.json</c>: the installed version of each pack, its digest and signer. It is what rollback
/// protection compares against.
/// </summary>
public sealed record InstallLock
{
    /// <summary>The file name.</summary>
    public const string FileName = "lock.json";

    /// <summary>The format version.</summary>
    [JsonPropertyName("format")]
    public int Format { get; init; } = 1;

    /// <summary>The installed packs by name.</summary>
    [JsonPropertyName("packs")]
    public SortedDictionary<string, InstalledPack> Packs { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Reads the lockfile in <paramref name="packsDirectory"/>; none yet is an empty lock.</summary>
    public static InstallLock Read(string packsDirectory)
    {
        var path = Path.Combine(packsDirectory, FileName);
        if (!File.Exists(path))
        {
            return new InstallLock();
        }

        try
        {
            var lockFile = JsonSerializer.Deserialize(File.ReadAllBytes(path), RegistryJsonContext.Default.InstallLock);
            return lockFile is { Format: 1 } ? lockFile with { Packs = new SortedDictionary<string, InstalledPack>(lockFile.Packs, StringComparer.Ordinal) } : throw new ReachException(ErrorCatalog.IoFailed, $"{path} has an unknown format.");
        }
        catch (JsonException ex)
        {
            throw new ReachException(ErrorCatalog.IoFailed, $"{path} is not valid: {ex.Message}");
        }
    }

    /// <summary>Writes the lockfile atomically.</summary>
    public void Write(string packsDirectory)
    {
        var path = Path.Combine(packsDirectory, FileName);
        File.WriteAllBytes(path + ".tmp", JsonSerializer.SerializeToUtf8Bytes(this, RegistryJsonContext.Default.InstallLock));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}

/// <summary>One installed pack in the lockfile.</summary>
public sealed record InstalledPack
{
    /// <summary>The installed version.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Its pack digest.</summary>
    [JsonPropertyName("digest")]
    public required string Digest { get; init; }

    /// <summary>The signer's key id.</summary>
    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }

    /// <summary>The registry it came from.</summary>
    [JsonPropertyName("registry")]
    public required string Registry { get; init; }

    /// <summary>Its directory, relative to REACH_HOME/packs.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>When it was installed (UTC, ISO 8601).</summary>
    [JsonPropertyName("installed_at")]
    public required string InstalledAt { get; init; }
}
