using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Json;
using Reach.Core.Transcripts;
using Reach.Core.Transcripts.Events;

namespace Reach.Core.Engine;

public sealed partial class RunSession
{
    /// <summary>How many calls were proposed (<c>step.started</c> events) before the session was resumed; 0 for a new session.</summary>
    public long Calls { get; }

    /// <summary>
    /// Goes on with a session whose unsealed transcript is <paramref name="recorded"/> (its header and whole events, as
    /// a store kept them): the chain, the Merkle tree, the budget ledger (with what open children hold reserved), the
    /// spawn count, the tallies and the start time are rebuilt from the events, and the next event chains to the last
    /// one. The transcript must verify up to its missing seal, and the pack, inputs and policy must be the ones it was
    /// started with (REACH-4020 otherwise).
    /// <see cref="SessionOptions.OpenTranscript"/> is called with the recorded run id for the stream new lines go to.
    /// </summary>
    public static RunSession Resume(SessionOptions options, byte[] recorded)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(recorded);
        VerificationReport report;
        using (var stream = new MemoryStream(recorded, writable: false))
        {
            report = TranscriptVerifier.Verify(stream);
        }

        if (report.Sealed)
        {
            throw new ReachException(ErrorCatalog.SessionNotResumable, "The transcript is sealed: the session ended and cannot go on.");
        }

        if (report.Header is not { } header || (report.Failure is { } failure && failure.Error != ErrorCatalog.TranscriptUnsealed))
        {
            throw new ReachException(ErrorCatalog.SessionNotResumable, $"The recorded transcript does not verify: {report.Failure?.Message ?? "no header"}");
        }

        var inputs = Sha256Digest.Compute(CanonicalJson.Canonicalize(options.Inputs));
        if (header.PackDigest != options.PackDigest || header.PolicyDigest != options.Policy.Digest || header.InputsDigest != inputs)
        {
            throw new ReachException(ErrorCatalog.SessionNotResumable, $"The pack, inputs or policy differ from the ones run {header.RunId} started with (pack {header.PackDigest}, policy {header.PolicyDigest}).");
        }

        var state = new ResumeState(header);
        var lines = recorded.AsSpan();
        var first = true;
        while (lines.Length > 0)
        {
            var end = lines.IndexOf((byte)'\n');
            var line = end < 0 ? lines : lines[..end];
            lines = end < 0 ? [] : lines[(end + 1)..];
            if (first)
            {
                first = false;
                continue;
            }

            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            state.Hashes.Add(Sha256Digest.Parse(root.GetProperty("hash").GetString()!));
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                continue; // a redacted event keeps its hash but says nothing more
            }

            state.Ledger.Apply(TranscriptEvents.Read(root.GetProperty("type").GetString()!, data));
        }

        return new RunSession(options, state);
    }

    private sealed class ResumeState(TranscriptHeader header)
    {
        public TranscriptHeader Header { get; } = header;

        public List<Sha256Digest> Hashes { get; } = [];

        // The budget ledger, tallies, spawn count, calls and start time, folded from the events as every reader folds them.
        public UsageLedger Ledger { get; } = new();
    }
}
