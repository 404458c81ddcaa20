using Reach.Core.Errors;

namespace Reach.Core.Transcripts;

/// <summary>Reads a stream line by line into one reused buffer, so memory does not grow with the file.</summary>
internal sealed class LineReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public LineReader(Stream stream, int initialSize = 1 << 16)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    /// <summary>The 1-based number of the last line returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Returns the next line without its newline; <paramref name="terminated"/> is false for a last line with no newline.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool terminated)
    {
        var searchFrom = _start;
        while (true)
        {
            var index = _buffer.AsSpan(searchFrom, _end - searchFrom).IndexOf((byte)'\n');
            if (index >= 0)
            {
                var newline = searchFrom + index;
                ThrowIfLonger(newline - _start);
                line = _buffer.AsSpan(_start, newline - _start);
                _start = newline + 1;
                terminated = true;
                LineNumber++;
                return true;
            }

            // Refused as soon as the line is known to be too long, torn or not, before the buffer grows again.
            ThrowIfLonger(_end - _start);
            if (_eof)
            {
                terminated = false;
                if (_start < _end)
                {
                    line = _buffer.AsSpan(_start, _end - _start);
                    _start = _end;
                    LineNumber++;
                    return true;
                }

                line = default;
                return false;
            }

            searchFrom = _end;
            Fill(ref searchFrom);
        }
    }

    private void Fill(ref int searchFrom)
    {
        if (_start > 0)
        {
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            searchFrom -= _start;
            _start = 0;
            _end = pending;
        }

        // The buffer never needs more than the longest line plus one byte: a longer line was refused before this.
        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    /// <summary>A line of more than <see cref="TranscriptFormat.MaxLineBytes"/> bytes, its newline not counted, is refused.</summary>
    private void ThrowIfLonger(int length)
    {
        if (length > TranscriptFormat.MaxLineBytes)
        {
            throw new ReachException(ErrorCatalog.EventMalformed, string.Create(CultureInfo.InvariantCulture, $"Line {LineNumber + 1} is longer than {TranscriptFormat.MaxLineBytes} bytes."))
            {
                Details = new Dictionary<string, object?> { ["line"] = LineNumber + 1 },
            };
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
