namespace Reach.Benchmarks;

/// <summary>
/// A fixed, repeatable byte stream (xorshift64*), so salts and run ids are the same on every run of a benchmark
/// and the cost measured is Reach's, not the operating system generator's.
/// </summary>
public sealed class DeterministicRandomSource : IRandomSource
{
    private ulong _state;

    /// <summary>Starts the stream at <paramref name="seed"/> (any value but zero).</summary>
    public DeterministicRandomSource(ulong seed = 0x9E3779B97F4A7C15)
    {
        _state = seed == 0 ? 1 : seed;
    }

    /// <inheritdoc/>
    public void Fill(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(Next() >> 56);
        }
    }

    /// <summary>The next 64 pseudo-random bits.</summary>
    public ulong Next()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return unchecked(_state * 0x2545F4914F6CDD1D);
    }

    /// <summary>A value in [0, <paramref name="bound"/>).</summary>
    public int Next(int bound) => (int)(Next() % (ulong)bound);
}
