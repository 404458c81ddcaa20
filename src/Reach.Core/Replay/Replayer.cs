using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;
using Reach.Core.Transcripts.Events;

namespace Reach.Core.Replay;

/// <summary>
/// Re-runs a recorded transcript: the same pack and inputs, the recorded clock readings, run id and salts, the recorded
/// results of side-effecting tools, and deterministic tools executed again. Identical bytes give an identical
/// fingerprint; otherwise the first divergent event is named with its likely cause.
/// </summary>
public static class Replayer
{
    private const int Shorten = 240;

    /// <summary>Replays <paramref name="transcript"/> (the file's bytes) with <paramref name="pack"/>.</summary>
    /// <exception cref="ReachException">REACH-1201 for a redacted transcript, 1204 for an incomplete one, and the verifier's code for a tampered one.</exception>
    public static async ValueTask<ReplayReport> ReplayAsync(byte[] transcript, LoadedPack pack, IPolicyGate? policy = null, ToolRegistry? tools = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(pack);

        // The cheap read trusts the layout; it is checked by comparing bytes below. Anything unusual (redacted,
        // unsealed, torn, malformed) is read the slow way, after the verifier has said what is wrong with it.
        var feed = ReplayFeed.TryRead(transcript) ?? ReplayFeed.FromRecorded(ReadVerified(transcript));
        var fed = new RecordedEffects(feed.Effects);
        var output = new MemoryStream(transcript.Length + 1024);
        var options = new SessionOptionsTemplate
        {
            OpenTranscript = _ => output,
            Effects = fed,
            Policy = policy ?? DeclaredToolsPolicyGate.Instance,
            Tools = tools ?? ToolRegistry.BuiltIn,
            Clock = new RecordedClock(feed.Readings),
            Random = new RecordedRandom(feed.Randomness),
        };

        var inputs = feed.Inputs ?? RunInputs.Resolve(pack.Manifest, null);
        var result = await PackRun.ExecuteAsync(pack, inputs, options, cancellationToken).ConfigureAwait(false);
        // The session closes the stream when it seals; ToArray still works on a closed MemoryStream.
        var replayedBytes = output.ToArray();
        if (replayedBytes.AsSpan().SequenceEqual(transcript))
        {
            // Identical bytes: the recording is exactly what this engine writes, so it verifies, and nothing diverged.
            return new ReplayReport
            {
                RunId = feed.Header.RunId,
                RecordedFingerprint = feed.RecordedFingerprint,
                Fingerprint = result.Fingerprint,
                Events = feed.Events,
                Fed = feed.Effects.Count,
                ReExecuted = feed.PureResults,
            };
        }

        var recorded = ReadVerified(transcript);
        var replayed = RecordedTranscript.Read(replayedBytes);
        var divergence = Compare(recorded, replayed, fed);
        return new ReplayReport
        {
            RunId = recorded.Header.RunId,
            RecordedFingerprint = recorded.Seal.Fingerprint,
            Fingerprint = result.Fingerprint,
            Events = recorded.Events.Count,
            Fed = feed.Effects.Count - fed.Unconsumed,
            ReExecuted = CountPure(replayed),
            Divergence = divergence ?? new Divergence
            {
                Kind = DivergenceKind.HeaderChanged,
                LikelyCause = result.Fingerprint == recorded.Seal.Fingerprint
                    ? "The transcripts differ in bytes the fingerprint does not cover (the seal or the salts)."
                    : "The fingerprints differ although every event matched.",
            },
        };
    }

    private static RecordedTranscript ReadVerified(byte[] transcript)
    {
        VerificationReport verification;
        using (var stream = new MemoryStream(transcript, writable: false))
        {
            verification = TranscriptVerifier.Verify(stream);
        }

        RequireReplayable(verification);
        return RecordedTranscript.Read(transcript);
    }

    /// <summary>
    /// Throws when a verified transcript can never replay, whatever pack is given: torn (REACH-1204), broken, or
    /// redacted (REACH-1201). Hosts call it before asking for anything else, so the first error is the one that matters.
    /// </summary>
    public static void RequireReplayable(VerificationReport verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        if (!verification.Ok)
        {
            var failure = verification.Failure!;
            if (verification.ChainIntact)
            {
                throw new ReachException(ErrorCatalog.ReplayIncomplete, $"The transcript is not complete ({failure.Message}); only a sealed transcript can be replayed.");
            }

            throw new ReachException(failure.Error, $"The transcript does not verify, so it cannot be replayed: {failure.Message}");
        }

        if (verification.Redacted > 0)
        {
            throw new ReachException(ErrorCatalog.ReplayRedacted, $"{verification.Redacted} of {verification.Events} events are redacted; replay cannot re-execute what it cannot see.");
        }
    }

    private static Divergence? Compare(RecordedTranscript recorded, RecordedTranscript replayed, RecordedEffects fed)
    {
        var headerCause = HeaderCause(recorded.Header, replayed.Header);
        var count = Math.Max(recorded.Events.Count, replayed.Events.Count);
        for (var i = 0; i < count; i++)
        {
            var left = i < recorded.Events.Count ? recorded.Events[i] : null;
            var right = i < replayed.Events.Count ? replayed.Events[i] : null;
            if (left is not null && right is not null && left.Type == right.Type && SameData(left, right))
            {
                continue;
            }

            var kind = left is null ? DivergenceKind.ExtraEvent : right is null ? DivergenceKind.MissingEvent : DivergenceKind.ChangedEvent;
            var cause = EventCause(left ?? right!, left, right);
            return new Divergence
            {
                Kind = kind,
                Seq = i,
                Recorded = left is null ? null : Short(left.Line),
                Replayed = right is null ? null : Short(right.Line),
                RecordedHash = left?.Hash.ToString(),
                ReplayedHash = right?.Hash.ToString(),
                LikelyCause = headerCause is null ? cause : $"{headerCause} {cause}",
            };
        }

        if (fed.FirstUnconsumed is { } leftover)
        {
            return new Divergence
            {
                Kind = DivergenceKind.UnconsumedEffect,
                Seq = leftover.Seq,
                Recorded = Short(leftover.Line),
                RecordedHash = leftover.Hash.ToString(),
                LikelyCause = $"{fed.Unconsumed} recorded side-effect result(s) were never asked for; the pack no longer makes that call.",
            };
        }

        if (headerCause is not null)
        {
            return new Divergence
            {
                Kind = DivergenceKind.HeaderChanged,
                Recorded = Short(recorded.HeaderLine),
                Replayed = Short(replayed.HeaderLine),
                RecordedHash = recorded.Header.Hash().ToString(),
                ReplayedHash = replayed.Header.Hash().ToString(),
                LikelyCause = headerCause,
            };
        }

        return null;
    }

    private static string? HeaderCause(TranscriptHeader recorded, TranscriptHeader replayed)
    {
        if (recorded.PackDigest != replayed.PackDigest)
        {
            return $"The pack changed since the run (pack digest {recorded.PackDigest} → {replayed.PackDigest}).";
        }

        if (recorded.PolicyDigest != replayed.PolicyDigest)
        {
            return $"The policy changed since the run (policy digest {recorded.PolicyDigest} → {replayed.PolicyDigest}).";
        }

        if (recorded.Engine != replayed.Engine)
        {
            return $"The engine changed ({recorded.Engine} → {replayed.Engine}).";
        }

        if (recorded.PackName != replayed.PackName || recorded.PackVersion != replayed.PackVersion)
        {
            return $"A different pack was given ({recorded.PackName}@{recorded.PackVersion} → {replayed.PackName}@{replayed.PackVersion}).";
        }

        return recorded.InputsDigest != replayed.InputsDigest ? "The inputs differ." : null;
    }

    private static string EventCause(RecordedEvent ev, RecordedEvent? recorded, RecordedEvent? replayed)
    {
        if (recorded is not null && replayed is not null && recorded.Type != replayed.Type)
        {
            return $"The run took a different path: {recorded.Type} was recorded, {replayed.Type} was replayed.";
        }

        var tool = Read(ev) switch
        {
            ToolResultEvent result => result.Tool,
            ToolErrorEvent error => error.Tool,
            _ => null,
        };
        return ev.Type switch
        {
            EventTypes.ToolResult or EventTypes.ToolError when IsPure(ev) => $"The deterministic tool '{tool}' gave a different output.",
            EventTypes.ToolResult or EventTypes.ToolError => $"The recorded result of '{tool}' could not be fed back: the call differs from the recording.",
            EventTypes.PolicyDecision => "The policy gate decided differently.",
            EventTypes.BudgetDecision => "The budget gate decided differently.",
            EventTypes.StepStarted => "The step's tool or input changed.",
            _ => "The run took a different path.",
        };
    }

    private static bool IsPure(RecordedEvent ev) => Read(ev) is ToolResultEvent { Effect: ToolEffect.Pure } or ToolErrorEvent { Effect: ToolEffect.Pure };

    // A divergent event may be anything the replay wrote, or damaged: what cannot be read has no tool and no effect.
    private static TranscriptEvent? Read(RecordedEvent ev)
    {
        try
        {
            return ev.Data is { } data ? TranscriptEvents.Read(ev.Type, data) : null;
        }
        catch (ReachException)
        {
            return null;
        }
    }

    private static long CountPure(RecordedTranscript transcript)
    {
        long count = 0;
        foreach (var ev in transcript.Events)
        {
            if (ev.Type == EventTypes.ToolResult && IsPure(ev))
            {
                count++;
            }
        }

        return count;
    }

    private static bool SameData(RecordedEvent left, RecordedEvent right) =>
        CanonicalJson.Canonicalize(left.Data!.Value).AsSpan().SequenceEqual(CanonicalJson.Canonicalize(right.Data!.Value));

    private static string Short(byte[] line)
    {
        var text = Encoding.UTF8.GetString(line);
        return text.Length <= Shorten ? text : string.Concat(text.AsSpan(0, Shorten), "…");
    }
}
