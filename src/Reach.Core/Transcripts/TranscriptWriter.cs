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
    private readonly ArrayBufferWriter<byte> _data = new(1024);
    private readonly ArrayBufferWriter<byte> _line = new(2048);
    private long _lastSync;
    private bool _sealed;

    /// <summary>Starts a transcript on <paramref name="stream"/> by writing its header.</summary>
    public TranscriptWriter(Stream stream, TranscriptHeader header, IRandomSource random, TranscriptWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        _stream = stream;
        _random = random;
        _options = options ?? new TranscriptWriterOptions();
        Header = header;
        var headerLine = header.ToCanonicalJson();
        LastHash = Sha256Digest.Compute(headerLine);
        _line.Write(headerLine);
        _line.Write("\n"u8);
        WriteLine();
        _lastSync = _options.Clock.GetTimestamp();
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
        _data.ResetWrittenCount();
        CanonicalJson.Canonicalize(dataJson, _data);
        return AppendCanonical(typeToken, _data.WrittenSpan);
    }

    /// <summary>Appends an event whose data the caller already holds in canonical form.</summary>
    public AppendedEvent AppendCanonical(ReadOnlySpan<byte> typeToken, ReadOnlySpan<byte> canonicalData)
    {
        ObjectDisposedException.ThrowIf(_sealed, this);
        Span<byte> salt = stackalloc byte[TranscriptFormat.SaltSize];
        _random.Fill(salt);
        var seq = Count;
        var dataDigest = TranscriptFormat.DataDigest(salt, canonicalData);
        var hash = TranscriptFormat.EventHash(seq, typeToken, LastHash, dataDigest);

        _line.ResetWrittenCount();
        _line.Write("{\"data\":"u8);
        _line.Write(canonicalData);
        _line.Write(",\"data_digest\":\""u8);
        WriteDigest(dataDigest);
        _line.Write("\",\"hash\":\""u8);
        WriteDigest(hash);
        _line.Write("\",\"prev\":\""u8);
        WriteDigest(LastHash);
        _line.Write("\",\"salt\":\""u8);
        var hex = _line.GetSpan(TranscriptFormat.SaltSize * 2);
        Convert.TryToHexStringLower(salt, hex, out _);
        _line.Advance(TranscriptFormat.SaltSize * 2);
        _line.Write("\",\"seq\":"u8);
        CanonicalJson.WriteInteger(seq, _line);
        _line.Write(",\"type\":"u8);
        _line.Write(typeToken);
        _line.Write("}\n"u8);
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
