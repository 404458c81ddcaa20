using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Reach.Core.Hashing;

/// <summary>
/// SHA-256 of one or two byte spans. Every event costs four hashes of small inputs (data digest, event hash, Merkle
/// leaf and node); through <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> OpenSSL 3's per-call setup
/// (algorithm fetch, context allocation, error-queue clearing) costs about five times the hashing itself. Where
/// libcrypto 3 is present (every Linux machine .NET runs on), its low-level SHA256 functions are called directly;
/// elsewhere, or if they are missing, the BCL is used. A self-test decides once.
/// </summary>
public static partial class Sha256
{
    private const string LibCrypto = "libcrypto.so.3";

    // SHA256_CTX is 112 bytes in OpenSSL 3; the buffer leaves room to spare.
    private const int ContextBytes = 256;

    /// <summary>True when the direct libcrypto path is in use.</summary>
    public static bool IsNative { get; } = Probe();

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/> (32 bytes).</summary>
    public static unsafe void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < Sha256Digest.Size)
        {
            throw new ArgumentException("The destination needs 32 bytes.", nameof(destination));
        }

        if (!IsNative)
        {
            SHA256.HashData(data, destination);
            return;
        }

        // SHA256_Init/Update/Final, not libcrypto's one-shot SHA256(), which OpenSSL 3 routes through EVP again.
        var context = stackalloc byte[ContextBytes];
        fixed (byte* input = data)
        fixed (byte* output = destination)
        {
            if ((NativeInit(context) & NativeUpdate(context, input, (nuint)data.Length) & NativeFinal(output, context)) != 1)
            {
                throw new CryptographicException("libcrypto's SHA256 failed.");
            }
        }
    }

    /// <summary>Hashes <paramref name="first"/> ‖ <paramref name="second"/> into <paramref name="destination"/> (32 bytes).</summary>
    public static unsafe void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        if (destination.Length < Sha256Digest.Size)
        {
            throw new ArgumentException("The destination needs 32 bytes.", nameof(destination));
        }

        if (!IsNative)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(first);
            hash.AppendData(second);
            hash.GetHashAndReset(destination);
            return;
        }

        var context = stackalloc byte[ContextBytes];
        fixed (byte* a = first)
        fixed (byte* b = second)
        fixed (byte* output = destination)
        {
            // Each returns 1 on success; they cannot fail for in-memory input, but a failure must not pass silently.
            if ((NativeInit(context) & NativeUpdate(context, a, (nuint)first.Length) & NativeUpdate(context, b, (nuint)second.Length) & NativeFinal(output, context)) != 1)
            {
                throw new CryptographicException("libcrypto's SHA256 failed.");
            }
        }
    }

    private static unsafe bool Probe()
    {
        try
        {
            ReadOnlySpan<byte> sample = "reach: the quick brown fox jumps over the lazy dog"u8;
            Span<byte> expected = stackalloc byte[Sha256Digest.Size];
            SHA256.HashData(sample, expected);
            Span<byte> twoPart = stackalloc byte[Sha256Digest.Size];
            var context = stackalloc byte[ContextBytes];
            fixed (byte* input = sample)
            fixed (byte* output2 = twoPart)
            {
                if ((NativeInit(context) & NativeUpdate(context, input, 7) & NativeUpdate(context, input + 7, (nuint)(sample.Length - 7)) & NativeFinal(output2, context)) != 1)
                {
                    return false;
                }
            }

            return twoPart.SequenceEqual(expected);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    [LibraryImport(LibCrypto, EntryPoint = "SHA256_Init")]
    private static unsafe partial int NativeInit(byte* context);

    [LibraryImport(LibCrypto, EntryPoint = "SHA256_Update")]
    private static unsafe partial int NativeUpdate(byte* context, byte* data, nuint length);

    [LibraryImport(LibCrypto, EntryPoint = "SHA256_Final")]
    private static unsafe partial int NativeFinal(byte* digest, byte* context);
}
