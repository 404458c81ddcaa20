using System.Buffers;
using Reach.Core.Errors;

namespace Reach.Runner.Storage;

/// <summary>
/// The stream a runner session's <c>TranscriptWriter</c> writes to: each whole line goes to the store first (the
/// header creates the session row, each event is one committed row) and then to the transcript file beside it, so a
/// call is acknowledged only once its events are committed. The seal line is kept for <see cref="IRunnerStore.CloseSessionAsync"/>.
/// </summary>
/// <remarks>Core's writer is synchronous, so the store is awaited synchronously here; the session's lock already serializes its calls.</remarks>
internal sealed class StoredTranscriptStream : Stream
{
    private static readonly byte[] SealSuffix = "\"type\":\"reach.seal\"}\n"u8.ToArray();
    private readonly IRunnerStore _store;
    private readonly string _tenant;
    private readonly NewSession _session;
    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _pending = new(2048);
    private long _lines;

    /// <summary>A stream whose lines go to the store (after <paramref name="linesStored"/> lines already there: header and events of a resumed session) and then to <paramref name="file"/>.</summary>
    public StoredTranscriptStream(IRunnerStore store, string tenant, NewSession session, FileStream file, long linesStored = 0)
    {
        _store = store;
        _tenant = tenant;
        _session = session;
        _file = file;
        _lines = linesStored;
    }

    /// <summary>The session row this stream creates.</summary>
    public NewSession Session => _session;

    /// <summary>Told after each line is committed (the runs API wakes its event streams with it).</summary>
    public Action? Committed { get; init; }

    /// <summary>The seal line, once the writer has sealed the transcript.</summary>
    public ReadOnlyMemory<byte>? Seal { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var end = buffer.IndexOf((byte)'\n');
            if (end < 0)
            {
                _pending.Write(buffer);
                return;
            }

            _pending.Write(buffer[..(end + 1)]);
            buffer = buffer[(end + 1)..];
            Commit(_pending.WrittenMemory.ToArray());
            _pending.ResetWrittenCount();
        }
    }

    public override void Flush() => _file.Flush(flushToDisk: true);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Commit(byte[] line)
    {
        var index = _lines;
        if (index == 0)
        {
            Require(_store.CreateSessionAsync(_tenant, _session with { Header = line }, CancellationToken.None).GetAwaiter().GetResult(), "create the session");
        }
        else if (line.AsSpan().EndsWith(SealSuffix))
        {
            Seal = line;
        }
        else
        {
            // Line 1 is the event with seq 0: the header is the only line before the events.
            Require(_store.AppendEventAsync(_tenant, _session.Id, index - 1, line, CancellationToken.None).GetAwaiter().GetResult(), $"append event {index - 1}");
        }

        _file.Write(line);
        _file.Flush();
        _lines++;
        Committed?.Invoke();
    }

    private void Require(bool done, string what)
    {
        if (!done)
        {
            throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The store refused to {what} of session '{_session.Id}'.");
        }
    }
}
