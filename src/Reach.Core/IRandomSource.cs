namespace Reach.Core;

/// <summary>The one door through which randomness reaches a run; replay feeds recorded bytes through it.</summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}
