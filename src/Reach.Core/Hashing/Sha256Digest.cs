using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Reach.Core.Hashing;

/// <summary>A SHA-256 digest, written <c>sha256:</c> and 64 lowercase hex digits. It always holds exactly 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Sha256Digest : IEquatable<Sha256Digest>
{
    /// <summary>The length of a digest in bytes.</summary>
    public const int Size = 32;

    /// <summary>The prefix of the text form.</summary>
    public const string Prefix = "sha256:";

    /// <summary>The length of the text form.</summary>
    public const int TextLength = 7 + 64;

    private static readonly SearchValues<byte> LowerHexDigits = SearchValues.Create("0123456789abcdef"u8);

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private Sha256Digest(ReadOnlySpan<byte> bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        _a = words[0];
        _b = words[1];
        _c = words[2];
        _d = words[3];
    }

    /// <summary>Wraps 32 bytes.</summary>
    public static Sha256Digest FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException("A SHA-256 digest has 32 bytes.", nameof(bytes));
        }

        return new Sha256Digest(bytes);
    }

    /// <summary>Hashes data.</summary>
    public static Sha256Digest Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[Size];
        Sha256.Hash(data, hash);
        return new Sha256Digest(hash);
    }

    /// <summary>Hashes <paramref name="first"/> ‖ <paramref name="second"/>.</summary>
    public static Sha256Digest Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        Span<byte> hash = stackalloc byte[Size];
        Sha256.Hash(first, second, hash);
        return new Sha256Digest(hash);
    }

    /// <summary>The digest of no bytes.</summary>
    public static Sha256Digest Empty { get; } = FromBytes(SHA256.HashData(ReadOnlySpan<byte>.Empty));

    /// <summary>Copies the 32 bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(destination[..Size]);
        words[0] = _a;
        words[1] = _b;
        words[2] = _c;
        words[3] = _d;
    }

    /// <summary>The 32 bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Writes the text form (<c>sha256:</c> + hex) as UTF-8 into <paramref name="destination"/> (71 bytes).</summary>
    public void WriteUtf8(Span<byte> destination)
    {
        "sha256:"u8.CopyTo(destination);
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        Convert.TryToHexStringLower(bytes, destination[7..], out _);
    }

    /// <summary>Parses the text form; returns false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Sha256Digest digest)
    {
        digest = default;
        if (text.Length != TextLength || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var hex = text[7..];
        foreach (var ch in hex)
        {
            if (!char.IsAsciiHexDigitLower(ch) && !char.IsAsciiDigit(ch))
            {
                return false;
            }
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != OperationStatus.Done || written != Size)
        {
            return false;
        }

        digest = new Sha256Digest(bytes);
        return true;
    }

    /// <summary>Parses the text form as UTF-8; returns false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out Sha256Digest digest)
    {
        digest = default;
        if (utf8.Length != TextLength || !utf8.StartsWith("sha256:"u8))
        {
            return false;
        }

        var hex = utf8[7..];
        if (hex.ContainsAnyExcept(LowerHexDigits))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != OperationStatus.Done || written != Size)
        {
            return false;
        }

        digest = new Sha256Digest(bytes);
        return true;
    }

    /// <summary>Parses the text form or throws <see cref="FormatException"/>.</summary>
    public static Sha256Digest Parse(string text) =>
        TryParse(text.AsSpan(), out var digest) ? digest : throw new FormatException($"Not a sha256:<64 lowercase hex> digest: '{text}'.");

    /// <inheritdoc/>
    public override string ToString()
    {
        Span<byte> utf8 = stackalloc byte[TextLength];
        WriteUtf8(utf8);
        return Encoding.ASCII.GetString(utf8);
    }

    /// <summary>The 64 hex digits without the prefix.</summary>
    public string ToHex() => ToString()[7..];

    /// <inheritdoc/>
    public bool Equals(Sha256Digest other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Sha256Digest other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>Equality.</summary>
    public static bool operator ==(Sha256Digest left, Sha256Digest right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Sha256Digest left, Sha256Digest right) => !left.Equals(right);
}
