using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Json;

namespace Reach.Core.Transcripts;

/// <summary>
/// Verifies a transcript in one streaming pass in constant memory: every line canonical, the header,
/// every data digest and event hash, the chain, consecutive sequence numbers, and the seal's fingerprint.
/// </summary>
public static class TranscriptVerifier
{
    /// <summary>Verifies the transcript at <paramref name="path"/>.</summary>
    public static VerificationReport VerifyFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ReachException(ErrorCatalog.TranscriptNotFound, $"No transcript at '{path}'.");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        return Verify(stream);
    }

    /// <summary>Verifies the transcript read from <paramref name="stream"/>.</summary>
    public static VerificationReport Verify(Stream stream)
    {
        using var lines = new LineReader(stream, 1 << 20);
        var checker = new CanonicalFormChecker();
        var merkle = new MerkleTreeBuilder();
        Span<byte> salt = stackalloc byte[TranscriptFormat.SaltSize];

        if (!TryReadLine(lines, out var first, out var firstTerminated, out var tooLong))
        {
            return Fail(null, 0, 0, merkle, tooLong ?? new VerificationFailure(ErrorCatalog.TranscriptEmpty, "The file is empty.", 1));
        }

        if (!firstTerminated)
        {
            return Fail(null, 0, 0, merkle, new VerificationFailure(ErrorCatalog.TranscriptTorn, "The header line is torn: the run stopped while writing it; no event was written.", 1), torn: true);
        }

        TranscriptHeader header;
        try
        {
            if (!checker.IsCanonical(first))
            {
                // Read it anyway for a precise error (not JSON, not a header, unknown format) before calling it non-canonical.
                TranscriptHeader.Parse(first);
                throw new ReachException(ErrorCatalog.TranscriptHeaderInvalid, "The header on line 1 is not in canonical form.");
            }

            header = TranscriptHeader.Parse(first);
        }
        catch (ReachException ex)
        {
            return Fail(null, 0, 0, merkle, new VerificationFailure(ex.Error, ex.Message, 1, 0));
        }

        var previous = Sha256Digest.Compute(first);
        long seq = 0;
        long redacted = 0;
        TranscriptSeal? seal = null;

        while (TryReadLine(lines, out var line, out var terminated, out tooLong))
        {
            var lineNumber = lines.LineNumber;
            if (!terminated)
            {
                return Fail(header, seq, redacted, merkle, new VerificationFailure(
                    ErrorCatalog.TranscriptTorn,
                    $"Line {lineNumber} is torn: the run stopped while writing it. The {seq} whole events before it verify.",
                    lineNumber,
                    seq), torn: true);
            }

            if (seal is not null)
            {
                return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.ContentAfterSeal, $"Line {lineNumber} follows the seal.", lineNumber));
            }

            if (!checker.IsCanonical(line))
            {
                return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.EventMalformed, $"Line {lineNumber} is not one JSON object in canonical form.", lineNumber, seq));
            }

            if (TranscriptSeal.LooksLikeSeal(line))
            {
                if (!TranscriptSeal.TryParse(line, out var parsedSeal))
                {
                    return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.EventMalformed, $"Line {lineNumber} is a malformed seal.", lineNumber));
                }

                var fingerprint = merkle.Root();
                if (parsedSeal.Events != seq)
                {
                    return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.FingerprintMismatch, $"The seal on line {lineNumber} counts {parsedSeal.Events} events; the transcript has {seq}.", lineNumber, null, seq.ToString(CultureInfo.InvariantCulture), parsedSeal.Events.ToString(CultureInfo.InvariantCulture)));
                }

                if (parsedSeal.LastHash != previous || parsedSeal.Fingerprint != fingerprint)
                {
                    var (expected, actual) = parsedSeal.LastHash != previous ? (previous, parsedSeal.LastHash) : (fingerprint, parsedSeal.Fingerprint);
                    return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.FingerprintMismatch, $"The seal on line {lineNumber} does not match the events.", lineNumber, null, expected.ToString(), actual.ToString()));
                }

                seal = parsedSeal;
                continue;
            }

            var kind = EventLine.Parse(line, checker, out var ev, out var problem);
            if (kind != EventLine.Kind.Event)
            {
                return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.EventMalformed, $"Line {lineNumber}: {problem}.", lineNumber, seq));
            }

            if (ev.Seq != seq)
            {
                return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.SequenceGap, $"Line {lineNumber} has seq {ev.Seq}; event {seq} was expected there.", lineNumber, seq, seq.ToString(CultureInfo.InvariantCulture), ev.Seq.ToString(CultureInfo.InvariantCulture)));
            }

            if (ev.Prev != previous)
            {
                return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.ChainBroken, $"Event {seq} (line {lineNumber}) does not link to {(seq == 0 ? "the header" : $"event {seq - 1}")}.", lineNumber, seq, previous.ToString(), ev.Prev.ToString()));
            }

            if (!ev.Redacted)
            {
                Convert.FromHexString(ev.SaltHex, salt, out _, out _);
                var dataDigest = Sha256Digest.Compute(salt, ev.Data);
                if (dataDigest != ev.DataDigest)
                {
                    return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.DataDigestMismatch, $"Event {seq} (line {lineNumber}): its data does not match its data_digest.", lineNumber, seq, dataDigest.ToString(), ev.DataDigest.ToString()));
                }
            }

            var hash = TranscriptFormat.EventHash(seq, ev.TypeToken, ev.PrevText, ev.DataDigestText);
            if (hash != ev.Hash)
            {
                return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.EventHashMismatch, $"Event {seq} (line {lineNumber}): its hash does not match its content.", lineNumber, seq, hash.ToString(), ev.Hash.ToString()));
            }

            if (ev.Redacted)
            {
                redacted++;
            }

            merkle.AddDigestLeaf(hash);
            previous = hash;
            seq++;
        }

        if (tooLong is not null)
        {
            return Fail(header, seq, redacted, merkle, seal is null ? tooLong with { Seq = seq } : tooLong);
        }

        if (seal is null)
        {
            return Fail(header, seq, redacted, merkle, new VerificationFailure(ErrorCatalog.TranscriptUnsealed, $"The transcript ends after {seq} events without a seal; those events verify.", lines.LineNumber + 1, seq));
        }

        return new VerificationReport { Header = header, Events = seq, Redacted = redacted, Fingerprint = merkle.Root(), Sealed = true };
    }

    // A line longer than the limit is refused by the reader before it is read whole; here it is a failure like the others.
    private static bool TryReadLine(LineReader lines, out ReadOnlySpan<byte> line, out bool terminated, out VerificationFailure? tooLong)
    {
        try
        {
            tooLong = null;
            return lines.TryReadLine(out line, out terminated);
        }
        catch (ReachException ex) when (ex.Error == ErrorCatalog.EventMalformed)
        {
            line = default;
            terminated = false;
            tooLong = new VerificationFailure(ex.Error, ex.Message, lines.LineNumber + 1);
            return false;
        }
    }

    private static VerificationReport Fail(TranscriptHeader? header, long events, long redacted, MerkleTreeBuilder merkle, VerificationFailure failure, bool torn = false) =>
        new()
        {
            Header = header,
            Events = events,
            Redacted = redacted,
            Fingerprint = merkle.Root(),
            Failure = failure,
            Torn = torn,
        };
}
