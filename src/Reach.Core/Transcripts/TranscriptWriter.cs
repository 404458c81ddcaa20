using Reach.Core.Hashing;
using Reach.Core.Json;

namespace Reach.Core.Transcripts;

/// <summary>
/// Appends events to a transcript: canonical data, a salted data digest, the event hash chained to the one
/// before, one line per event written in one call and flushed at once, so a crash tears at most the last line.
/// </summary>
public sealed class TranscriptWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly IRandomSource _random;
    private readonly TranscriptWriterOptions _options;
    private readonly MerkleTreeBuilder _merkle = new();
    private static readonly byte[] DataPrefix = "{\"data\":"u8.ToArray();
    private readonly byte[] _lastHashText = new byte[Sha256Digest.TextLength];
    private readonly ArrayBufferWriter<byte> _line = new(2048);
    private long _lastSync;
    private bool _sealed;

    /// <summary>Starts a transcript on <paramref name="stream"/> by writing its header.</summary>
    public TranscriptWriter(Stream stream, TranscriptHeader header, IRandomSource random, TranscriptWriterOptions? options = null)
        : this(stream, header, random, options, null)
    {
    }

    private TranscriptWriter(Stream stream, TranscriptHeader header, IRandomSource random, TranscriptWriterOptions? options, IReadOnlyList<Sha256Digest>? recorded)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        _stream = stream;
        _random = random;
        _options = options ?? new TranscriptWriterOptions();
        Header = header;
        var headerLine = header.ToCanonicalJson();
        LastHash = Sha256Digest.Compute(headerLine);
        if (recorded is null)
        {
            _line.Write(headerLine);
            _line.Write("\n"u8);
            WriteLine();
        }
        else
        {
            // Going on from events already written elsewhere: the chain and the Merkle tree take them up as they are.
            foreach (var hash in recorded)
            {
                _merkle.AddDigestLeaf(hash);
                LastHash = hash;
            }

            Count = recorded.Count;
        }

        LastHash.WriteUtf8(_lastHashText);
        _lastSync = _options.Clock.GetTimestamp();
    }

    /// <summary>
    /// Goes on with an unsealed transcript whose header and events (with these hashes, in order) were written
    /// before: the next event chains to the last of them. Nothing is written to <paramref name="stream"/> until then.
    /// </summary>
    public static TranscriptWriter Resume(Stream stream, TranscriptHeader header, IReadOnlyList<Sha256Digest> eventHashes, IRandomSource random, TranscriptWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(eventHashes);
        return new TranscriptWriter(stream, header, random, options, eventHashes);
    }

    /// <summary>The header written first.</summary>
    public TranscriptHeader Header { get; }

    /// <summary>How many events were appended.</summary>
    public long Count { get; private set; }

    /// <summary>The hash of the last event (the header's hash before any event).</summary>
    public Sha256Digest LastHash { get; private set; }

    /// <summary>The RFC 6962 head over the event hashes so far.</summary>
    public Sha256Digest Fingerprint => _merkle.Root();

    /// <summary>Appends an event whose data is any JSON; it is canonicalized first.</summary>
    public AppendedEvent Append(string type, ReadOnlySpan<byte> dataJson) =>
        Append(TranscriptFormat.TypeToken(type), dataJson);

    /// <summary>Appends an event; <paramref name="typeToken"/> is the type as a canonical JSON string token (see <see cref="TranscriptFormat.TypeToken"/>).</summary>
    public AppendedEvent Append(ReadOnlySpan<byte> typeToken, ReadOnlySpan<byte> dataJson)
    {
        ObjectDisposedException.ThrowIf(_sealed, this);
        _line.ResetWrittenCount();
        _line.Write(DataPrefix);

        // Canonicalized straight into the line, so the data is copied once; a refusal leaves the transcript untouched.
        CanonicalJson.Canonicalize(dataJson, _line);
        return Complete(typeToken);
    }

    /// <summary>Appends an event whose data the caller already holds in canonical form.</summary>
    public AppendedEvent AppendCanonical(ReadOnlySpan<byte> typeToken, ReadOnlySpan<byte> canonicalData)
    {
        ObjectDisposedException.ThrowIf(_sealed, this);
        _line.ResetWrittenCount();
        _line.Write(DataPrefix);
        _line.Write(canonicalData);
        return Complete(typeToken);
    }

    // The line holds {"data":DATA so far; hash it and write the rest, each digest's hex formed once.
    private AppendedEvent Complete(ReadOnlySpan<byte> typeToken)
    {
        Span<byte> salt = stackalloc byte[TranscriptFormat.SaltSize];
        _random.Fill(salt);
        var seq = Count;
        var dataDigest = TranscriptFormat.DataDigest(salt, _line.WrittenSpan[DataPrefix.Length..]);
        Span<byte> dataDigestText = stackalloc byte[Sha256Digest.TextLength];
        dataDigest.WriteUtf8(dataDigestText);
        var hash = TranscriptFormat.EventHash(seq, typeToken, _lastHashText, dataDigestText);

        _line.Write(",\"data_digest\":\""u8);
        _line.Write(dataDigestText);
        _line.Write("\",\"hash\":\""u8);
        var hashText = _line.GetSpan(Sha256Digest.TextLength)[..Sha256Digest.TextLength];
        hash.WriteUtf8(hashText);
        _line.Advance(Sha256Digest.TextLength);
        _line.Write("\",\"prev\":\""u8);
        _line.Write(_lastHashText);
        _line.Write("\",\"salt\":\""u8);
        Convert.TryToHexStringLower(salt, _line.GetSpan(TranscriptFormat.SaltSize * 2), out _);
        _line.Advance(TranscriptFormat.SaltSize * 2);
        _line.Write("\",\"seq\":"u8);
        CanonicalJson.WriteInteger(seq, _line);
        _line.Write(",\"type\":"u8);
        _line.Write(typeToken);
        _line.Write("}\n"u8);
        hash.WriteUtf8(_lastHashText);
        WriteLine();

        _merkle.AddDigestLeaf(hash);
        LastHash = hash;
        Count = seq + 1;
        MaybeSync();
        return new AppendedEvent(seq, hash, dataDigest);
    }

    /// <summary>Writes the seal line (event count, last hash, fingerprint), flushes and fsyncs; nothing can be appended after it.</summary>
    public Sha256Digest Seal()
    {
        ObjectDisposedException.ThrowIf(_sealed, this);
        var fingerprint = _merkle.Root();
        _line.ResetWrittenCount();
        _line.Write("{\"events\":"u8);
        CanonicalJson.WriteInteger(Count, _line);
        _line.Write(",\"fingerprint\":\""u8);
        WriteDigest(fingerprint);
        _line.Write("\",\"last_hash\":\""u8);
        WriteDigest(LastHash);
        _line.Write("\",\"type\":\"reach.seal\"}\n"u8);
        WriteLine();
        Sync();
        _sealed = true;
        return fingerprint;
    }

    /// <summary>Flushes to the operating system and, for files, to the disk.</summary>
    public void Sync()
    {
        if (_stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            _stream.Flush();
        }

        _lastSync = _options.Clock.GetTimestamp();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_sealed && _stream.CanWrite)
        {
            Sync();
        }
    }

    private void WriteDigest(Sha256Digest digest)
    {
        var span = _line.GetSpan(Sha256Digest.TextLength);
        digest.WriteUtf8(span);
        _line.Advance(Sha256Digest.TextLength);
    }

    private void WriteLine()
    {
        // One write per line: a process killed mid-run leaves whole lines and at most one torn last line.
        _stream.Write(_line.WrittenSpan);
        if (_stream is FileStream)
        {
            _stream.Flush();
        }
    }

    private void MaybeSync()
    {
        if (_stream is not FileStream)
        {
            return;
        }

        if (_options.FsyncInterval <= TimeSpan.Zero || _options.Clock.GetElapsedTime(_lastSync) >= _options.FsyncInterval)
        {
            Sync();
        }
    }
}
