namespace Reach.Core.Tests;

/// <summary>SplitMix64: deterministic bytes from a 64-bit seed, the tests' injected randomness.</summary>
internal sealed class SplitMix64(ulong seed) : IRandomSource
{
    private ulong _state = seed;

    public void Fill(Span<byte> destination)
    {
        foreach (ref var b in destination)
        {
            unchecked
            {
                var z = _state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                b = (byte)(z ^ (z >> 31));
            }
        }
    }
}
