using System.Buffers;
using Reach.Core.Errors;

namespace Reach.Runner.Storage;

/// <summary>
/// The stream a runner session's <c>TranscriptWriter</c> writes to. The header line creates the session row at once;
/// event lines are held until <see cref="CommitAsync"/> sends them to the store in one append (through the group
/// committer) and then writes them to the transcript file beside it, so a call is answered only once its events are
/// committed. With <see cref="AutoCommit"/> each line is committed as it is written (pack runs). The seal line is kept
/// for <see cref="IRunnerStore.CloseSessionAsync"/>.
/// </summary>
internal sealed class StoredTranscriptStream : Stream
{
    private static readonly byte[] SealSuffix = "\"type\":\"reach.seal\"}\n"u8.ToArray();
    private readonly IRunnerStore _store;
    private readonly GroupCommitter _committer;
    private readonly string _tenant;
    private readonly NewSession _session;
    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _partial = new(2048);
    private readonly List<byte[]> _uncommitted = [];
    private long _lines;
    private long _committedEvents;
    private bool _sealPending;
    private bool _closeRequested;

    /// <summary>A stream whose lines go to the store (after <paramref name="linesStored"/> lines already there: header and events of a resumed session) and then to <paramref name="file"/>.</summary>
    public StoredTranscriptStream(IRunnerStore store, GroupCommitter committer, string tenant, NewSession session, FileStream file, long linesStored = 0)
    {
        _store = store;
        _committer = committer;
        _tenant = tenant;
        _session = session;
        _file = file;
        _lines = linesStored;
        _committedEvents = Math.Max(0, linesStored - 1);
    }

    /// <summary>The session row this stream creates.</summary>
    public NewSession Session => _session;

    /// <summary>Commit each event line as soon as it is written (pack runs, whose events stream while they run).</summary>
    public bool AutoCommit { get; init; }

    /// <summary>Told after lines are committed (the runs API wakes its event streams with it).</summary>
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

    /// <summary>
    /// Sends the event lines written since the last commit to the store in one append (with the answer to keep for an
    /// Idempotency-Key, when given) and, once it is committed, writes them to the file. REACH-4008 when the store refuses or fails: the lines are then not acknowledged.
    /// </summary>
    public async Task CommitAsync(StoredAnswer? answer = null)
    {
        if (_uncommitted.Count == 0)
        {
            return;
        }

        var lines = _uncommitted.ToArray();
        _uncommitted.Clear();
        bool done;
        try
        {
            done = await _committer.AppendAsync(new EventAppend(_tenant, _session.Id, _committedEvents, lines) { Answer = answer }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not ReachException)
        {
            throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The store failed to append events {_committedEvents}..{_committedEvents + lines.Length - 1} of session '{_session.Id}': {ex.Message}");
        }

        Require(done, $"append events {_committedEvents}..{_committedEvents + lines.Length - 1}");

        // One write for the call's lines: the file is unbuffered, so each Write is a system call.
        var total = 0;
        foreach (var line in lines)
        {
            total += line.Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var at = 0;
            foreach (var line in lines)
            {
                line.CopyTo(buffer, at);
                at += line.Length;
            }

            _file.Write(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (_sealPending && Seal is { } seal)
        {
            _file.Write(seal.Span);
            _sealPending = false;
        }

        _file.Flush(flushToDisk: Seal is not null);
        _committedEvents += lines.Length;
        if (_closeRequested)
        {
            _file.Dispose();
        }

        Committed?.Invoke();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var end = buffer.IndexOf((byte)'\n');
            if (end < 0)
            {
                _partial.Write(buffer);
                return;
            }

            _partial.Write(buffer[..(end + 1)]);
            buffer = buffer[(end + 1)..];
            Line(_partial.WrittenMemory.ToArray());
            _partial.ResetWrittenCount();
        }
    }

    public override void Flush()
    {
        // The writer flushes after each line; the lines are the store's to make durable, at CommitAsync.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // Core disposes the stream right after sealing, before the session commits its last events: the file closes
        // once they are written.
        if (disposing)
        {
            _closeRequested = true;
            if (_uncommitted.Count == 0)
            {
                _file.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private void Line(byte[] line)
    {
        if (_lines == 0)
        {
            Require(_store.CreateSessionAsync(_tenant, _session with { Header = line }, CancellationToken.None).GetAwaiter().GetResult(), "create the session");
            _file.Write(line);
            _file.Flush();
        }
        else if (line.AsSpan().EndsWith(SealSuffix))
        {
            // The file keeps the store's order: the seal follows the last event once that is committed.
            Seal = line;
            if (_uncommitted.Count == 0)
            {
                _file.Write(line);
                _file.Flush(flushToDisk: true);
            }
            else
            {
                _sealPending = true;
            }
        }
        else
        {
            _uncommitted.Add(line);
            if (AutoCommit)
            {
                CommitAsync().GetAwaiter().GetResult();
            }
        }

        _lines++;
    }

    private void Require(bool done, string what)
    {
        if (!done)
        {
            throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The store refused to {what} of session '{_session.Id}'.");
        }
    }
}
