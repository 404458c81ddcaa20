namespace Reach.Packs.Install;

/// <summary>What an archive may hold before it is refused.</summary>
public sealed record ArchiveLimits
{
    /// <summary>The compressed archive's size.</summary>
    public long MaxArchiveBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>All files together, uncompressed.</summary>
    public long MaxTotalBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>One file.</summary>
    public long MaxEntryBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>The number of entries of every kind (files and directories).</summary>
    public int MaxEntries { get; init; } = 20_000;

    /// <summary>One entry's name, in UTF-8 bytes (each segment is at most 255 bytes besides).</summary>
    public int MaxNameBytes { get; init; } = 1024;

    /// <summary>Uncompressed bytes per compressed byte, checked once the content passes <see cref="RatioFloorBytes"/>.</summary>
    public long MaxCompressionRatio { get; init; } = 200;

    /// <summary>Below this many uncompressed bytes the ratio is not checked.</summary>
    public long RatioFloorBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static ArchiveLimits Default { get; } = new();
}
