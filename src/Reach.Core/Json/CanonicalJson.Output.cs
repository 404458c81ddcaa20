namespace Reach.Core.Json;

public static partial class CanonicalJson
{
    /// <summary>
    /// Where canonical bytes go: either a caller's <see cref="IBufferWriter{T}"/>, asked for space in chunks
    /// so that each token is not an interface call, or a pooled array that grows (for the byte[] overloads).
    /// </summary>
    private ref struct Utf8Output
    {
        private const int ChunkSize = 512;

        private readonly IBufferWriter<byte>? _writer;
        private byte[]? _rented;
        private Span<byte> _buffer;
        private int _written;

        public Utf8Output(IBufferWriter<byte> writer)
        {
            _writer = writer;
            _rented = null;
            _buffer = default;
            _written = 0;
        }

        private Utf8Output(byte[] rented)
        {
            _writer = null;
            _rented = rented;
            _buffer = rented;
            _written = 0;
        }

        public static Utf8Output Pooled(int initialSize) => new(ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, 64)));

        /// <summary>A span of at least <paramref name="size"/> bytes to write into; follow with <see cref="Advance"/>.</summary>
        public Span<byte> GetSpan(int size)
        {
            if (_buffer.Length - _written < size)
            {
                Grow(size);
            }

            return _buffer[_written..];
        }

        public void Advance(int count) => _written += count;

        public void WriteByte(byte value)
        {
            if (_written == _buffer.Length)
            {
                Grow(1);
            }

            _buffer[_written++] = value;
        }

        public void Write(scoped ReadOnlySpan<byte> bytes)
        {
            if (_buffer.Length - _written < bytes.Length)
            {
                Grow(bytes.Length);
            }

            bytes.CopyTo(_buffer[_written..]);
            _written += bytes.Length;
        }

        /// <summary>Hands the bytes written so far to the caller's writer.</summary>
        public void Flush()
        {
            if (_writer is not null && _written > 0)
            {
                _writer.Advance(_written);
                _buffer = default;
                _written = 0;
            }
        }

        public readonly byte[] ToArray() => _buffer[.._written].ToArray();

        public void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
                _rented = null;
                _buffer = default;
            }
        }

        private void Grow(int size)
        {
            if (_writer is not null)
            {
                Flush();
                _buffer = _writer.GetSpan(Math.Max(size, ChunkSize));
                return;
            }

            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_written + size, _buffer.Length * 2));
            _buffer[.._written].CopyTo(bigger);
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }

            _rented = bigger;
            _buffer = bigger;
        }
    }
}
