using Reach.Core.Hashing;

namespace Reach.Cli;

/// <summary>
/// What binds a transcript's fingerprint to the run it claims to be: the fingerprint REACH_HOME's run index recorded
/// when the run finished, found by the run id in the transcript's header and, for a file in REACH_HOME's runs, by its
/// name. The hashes alone prove only that the file is consistent with itself: whoever rewrites it can recompute them
/// all. The index is kept apart from the transcript, so it catches that, but only as far as REACH_HOME is protected;
/// a fingerprint kept elsewhere (published, signed) binds more.
/// </summary>
/// <param name="Fingerprint">The fingerprint the transcript's events give.</param>
/// <param name="Indexed">The fingerprint the index recorded for the run, or null when no index entry has one.</param>
/// <param name="RunId">The run whose index entry was compared.</param>
internal sealed record RunBinding(string Fingerprint, string? Indexed, string? RunId)
{
    /// <summary>True when the index recorded this very fingerprint for the run.</summary>
    public bool Bound => Indexed is not null && Indexed == Fingerprint;

    /// <summary>True when the index recorded another fingerprint for the run: the transcript is not the one that was written.</summary>
    public bool Contradicted => Indexed is not null && Indexed != Fingerprint;

    /// <summary>Looks up the index entries that speak for the transcript at <paramref name="path"/>; a contradicting one wins.</summary>
    public static RunBinding Check(ReachHome home, string path, string? headerRunId, Sha256Digest fingerprint)
    {
        var text = fingerprint.ToString();
        var binding = new RunBinding(text, null, null);
        foreach (var runId in Candidates(home, path, headerRunId))
        {
            if (home.Find(runId) is not { Fingerprint: { } indexed })
            {
                continue;
            }

            binding = new RunBinding(text, indexed, runId);
            if (binding.Contradicted)
            {
                return binding;
            }
        }

        return binding;
    }

    /// <summary>The coded failure of a contradicted binding.</summary>
    public ReachException Failure() => new(
        ErrorCatalog.FingerprintNotIndexed,
        $"The transcript's fingerprint is {Fingerprint}, but REACH_HOME recorded {Indexed} when run {RunId} finished: every hash in the file was recomputed, or the file was replaced.")
    {
        Details = new Dictionary<string, object?> { ["run_id"] = RunId, ["expected"] = Indexed, ["actual"] = Fingerprint },
    };

    /// <summary>The human line for a transcript that nothing binds.</summary>
    public static string UnboundLine(string? runId) =>
        $"nothing binds this fingerprint: REACH_HOME has no record of run {runId ?? "(unknown)"}; compare it with one you trust";

    private static IEnumerable<string> Candidates(ReachHome home, string path, string? headerRunId)
    {
        if (headerRunId is not null)
        {
            yield return headerRunId;
        }

        // A file in REACH_HOME's runs is that run's record whatever its header now says.
        var full = Path.GetFullPath(path);
        if (string.Equals(Path.GetDirectoryName(full), Path.GetFullPath(home.Runs), StringComparison.Ordinal)
            && full.EndsWith(".jsonl", StringComparison.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(full);
            if (name != headerRunId)
            {
                yield return name;
            }
        }
    }
}
