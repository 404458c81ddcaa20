using System.Security.Cryptography;

namespace Reach.Core;

/// <summary>Randomness from the operating system's cryptographic generator, for live runs.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    /// <summary>The shared instance.</summary>
    public static SystemRandomSource Instance { get; } = new();

    /// <inheritdoc/>
    public void Fill(Span<byte> destination)
    {
        // This is the injected source itself: the one place Core may read the OS generator.
#pragma warning disable RS0030
        RandomNumberGenerator.Fill(destination);
#pragma warning restore RS0030
    }
}
