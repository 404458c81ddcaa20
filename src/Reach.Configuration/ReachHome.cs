using System.Text.Json.Serialization;

namespace Reach.Configuration;

/// <summary>The layout of REACH_HOME: <c>runs/&lt;id&gt;.jsonl</c> transcripts, <c>runs/&lt;id&gt;.run.json</c> index entries, <c>workspaces/&lt;id&gt;/</c>.</summary>
internal sealed class ReachHome
{
    public ReachHome(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string Runs => Path.Combine(Root, "runs");

    public string Workspaces => Path.Combine(Root, "workspaces");

    /// <summary>Secret keys, their public halves and the trust store (<c>keys/trusted/</c>).</summary>
    public string Keys => Path.Combine(Root, "keys");

    /// <summary>Installed packs (<c>packs/NAME/VERSION/</c>) and their lockfile (<c>packs/lock.json</c>).</summary>
    public string Packs => Path.Combine(Root, "packs");

    /// <summary>The registries <c>reach registry add</c> knows.</summary>
    public string RegistriesFile => Path.Combine(Root, "registries.json");

    /// <summary>Signatures already verified.</summary>
    public string SignatureCacheFile => Path.Combine(Root, "cache", "signatures");

    public string TranscriptPath(string runId) => Path.Combine(Runs, runId + ".jsonl");

    public string IndexPath(string runId) => Path.Combine(Runs, runId + ".run.json");

    public string WorkspacePath(string runId) => Path.Combine(Workspaces, runId);

    /// <summary>Creates the directories, or fails with REACH-9001.</summary>
    public void Ensure()
    {
        try
        {
            Directory.CreateDirectory(Runs);
            Directory.CreateDirectory(Workspaces);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.HomeNotWritable, $"REACH_HOME ({Root}) cannot be written: {ex.Message}");
        }
    }

    public void Save(RunIndexEntry entry)
    {
        var path = IndexPath(entry.RunId);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(entry, CliJsonContext.Default.RunIndexEntry));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The index entry of <paramref name="runId"/>; null when there is none, or when the id (read from a transcript, so anyone's) is not a plain file name.</summary>
    public RunIndexEntry? Find(string runId)
    {
        if (!IsPlainRunId(runId))
        {
            return null;
        }

        var path = IndexPath(runId);
        return File.Exists(path) ? Read(path) : null;
    }

    public List<RunIndexEntry> List()
    {
        var entries = new List<RunIndexEntry>();
        if (!Directory.Exists(Runs))
        {
            return entries;
        }

        foreach (var path in Directory.EnumerateFiles(Runs, "*.run.json"))
        {
            if (Read(path) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private static bool IsPlainRunId(string runId)
    {
        if (runId.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in runId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }

    private static RunIndexEntry? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), CliJsonContext.Default.RunIndexEntry);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }
}

/// <summary>What REACH_HOME remembers of a run, beside its transcript.</summary>
internal sealed record RunIndexEntry
{
    [JsonPropertyName("run_id")]
    public required string RunId { get; init; }

    [JsonPropertyName("pack")]
    public required string Pack { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("pack_dir")]
    public required string PackDir { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("code")]
    public string? Code { get; init; }

    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; init; }

    [JsonPropertyName("transcript")]
    public required string Transcript { get; init; }

    [JsonPropertyName("started_at")]
    public required string StartedAt { get; init; }

    [JsonPropertyName("events")]
    public long Events { get; init; }

    /// <summary>The policy bundle the run used (a full path), so replay re-evaluates with it; null for Core's gate.</summary>
    [JsonPropertyName("policy")]
    public string? Policy { get; init; }

    /// <summary>The policy mode, enforce or warn, when a bundle was used.</summary>
    [JsonPropertyName("policy_mode")]
    public string? PolicyMode { get; init; }
}

[JsonSerializable(typeof(RunIndexEntry))]
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class CliJsonContext : JsonSerializerContext;
