using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Core.Transcripts.Events;

namespace Reach.Runner;

/// <summary>
/// What a spawn tree's transcripts record that a restarted runner needs: the budget and inputs a session started with,
/// what it spent when it finished, and the tools its parent gave it; read with Core's typed event readers.
/// </summary>
internal static class SpawnRecords
{
    /// <summary>The budgets <c>run.started</c> recorded, or null when the transcript has none.</summary>
    public static Budgets? StartedBudgets(byte[] transcript) => Started(transcript)?.Budgets;

    /// <summary>The resolved inputs <c>run.started</c> (the first event) recorded, or null when it is not there or redacted.</summary>
    public static JsonElement? StartedInputs(byte[] transcript) => Started(transcript)?.Inputs;

    /// <summary>The usage <c>run.finished</c> recorded, or null when the session did not finish.</summary>
    public static BudgetUsage? FinishedUsage(byte[] transcript)
    {
        BudgetUsage? usage = null;
        foreach (var (_, _, ev) in TranscriptEvents.ReadAll(transcript))
        {
            if (ev is RunFinishedEvent finished)
            {
                usage = finished.Usage;
            }
        }

        return usage;
    }

    /// <summary>The tools of the permitted <c>session.spawn</c> that opened <paramref name="childId"/>, or null.</summary>
    public static IReadOnlyList<string>? SpawnedTools(byte[] parentTranscript, string childId)
    {
        foreach (var (_, _, ev) in TranscriptEvents.ReadAll(parentTranscript))
        {
            if (ev is SessionSpawnEvent { Effect: GateEffect.Permit } spawn && spawn.Child == childId)
            {
                return spawn.Tools;
            }
        }

        return null;
    }

    // run.started is the first event; only that line is read.
    private static RunStartedEvent? Started(byte[] transcript)
    {
        foreach (var (_, _, ev) in TranscriptEvents.ReadAll(transcript))
        {
            return ev as RunStartedEvent;
        }

        return null;
    }
}
