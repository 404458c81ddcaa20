namespace Reach.Packs.Install;

/// <summary>A read-only view of a decompressing stream that stops a decompression bomb while it is read.</summary>
internal sealed class BoundedStream : Stream
{
    // Tar headers and padding add to the files' bytes; this much slack is allowed on top of the limit.
    private const long Slack = 16L * 1024 * 1024;
    private readonly Stream _inner;
    private readonly ArchiveLimits _limits;
    private readonly long _compressedBytes;
    private long _read;

    public BoundedStream(Stream inner, ArchiveLimits limits, long compressedBytes)
    {
        _inner = inner;
        _limits = limits;
        _compressedBytes = compressedBytes;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public static void CheckRatio(long uncompressed, long compressed, ArchiveLimits limits)
    {
        if (uncompressed > limits.RatioFloorBytes && uncompressed > limits.MaxCompressionRatio * Math.Max(1, compressed))
        {
            throw new ReachException(ErrorCatalog.ArchiveCompressionRatio, $"The archive expands from {compressed} to more than {uncompressed} bytes, a ratio over {limits.MaxCompressionRatio}:1.");
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        _read += n;
        if (_read > _limits.MaxTotalBytes + Slack)
        {
            throw new ReachException(ErrorCatalog.ArchiveTooLarge, $"The archive expands to more than {_limits.MaxTotalBytes} bytes.");
        }

        CheckRatio(_read - Slack, _compressedBytes, _limits);
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
