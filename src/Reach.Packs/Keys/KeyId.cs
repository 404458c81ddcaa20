using System.Buffers.Binary;

namespace Reach.Packs.Keys;

/// <summary>
/// A minisign key id: 8 random bytes stored little-endian in key and signature files, written as 16 uppercase hex
/// digits of the little-endian number, as <c>minisign</c> prints it (minisign leaves out leading zeros; Reach keeps
/// the fixed width, since its ids name trusted-key files and parse back as exactly 16 digits).
/// </summary>
/// <param name="Value">The id as a number.</param>
public readonly record struct KeyId(ulong Value)
{
    /// <summary>The length of an id in bytes.</summary>
    public const int Size = 8;

    /// <summary>Reads an id from its 8 stored bytes.</summary>
    public static KeyId FromBytes(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt64LittleEndian(bytes));

    /// <summary>Writes the 8 stored bytes.</summary>
    public void WriteBytes(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, Value);

    /// <summary>Parses 16 hex digits (either case).</summary>
    public static bool TryParse(string? text, out KeyId id)
    {
        id = default;
        if (text is null || text.Length != 16 || !ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        id = new KeyId(value);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("X16", CultureInfo.InvariantCulture);
}
