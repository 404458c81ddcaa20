using System.Buffers.Binary;
using System.Text.Unicode;
using Reach.Core.Errors;

namespace Reach.Core.Json;

public static partial class CanonicalJson
{
    /// <summary>The bytes RFC 8785 §3.2.2.2 escapes: control characters, quotation mark and reverse solidus.</summary>
    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\"\\"u8);

    /// <summary>Up to this many UTF-8 bytes, <see cref="WriteString"/> escapes from a copy on the stack.</summary>
    private const int StackTranscodeLimit = 256;

    /// <summary>Writes a quoted JSON string, escaped as RFC 8785 says; everything but controls, <c>"</c> and <c>\</c> is literal UTF-8.</summary>
    /// <exception cref="ReachException">REACH-1003 when the text holds a lone surrogate (Details: <c>index</c>); nothing is written then.</exception>
    public static void WriteString(ReadOnlySpan<char> value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lone = IndexOfLoneSurrogate(value);
        if (lone >= 0)
        {
            throw new ReachException(
                ErrorCatalog.JsonLoneSurrogate,
                string.Create(CultureInfo.InvariantCulture, $"{ErrorCatalog.JsonLoneSurrogate.Title}: U+{(int)value[lone]:X4} at index {lone}."))
            {
                Details = new Dictionary<string, object?> { ["index"] = lone },
            };
        }

        // Transcode straight into the output; most strings need no escape and are done then.
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var span = output.GetSpan(byteCount + 2);
        var utf8 = span.Slice(1, Encoding.UTF8.GetBytes(value, span[1..]));
        if (utf8.IndexOfAny(NeedsEscape) < 0)
        {
            span[0] = (byte)'"';
            span[utf8.Length + 1] = (byte)'"';
            output.Advance(utf8.Length + 2);
            return;
        }

        // The escaped text is longer, so it is written again from a copy.
        byte[]? rented = null;
        var copy = utf8.Length <= StackTranscodeLimit
            ? stackalloc byte[StackTranscodeLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(utf8.Length));
        try
        {
            utf8.CopyTo(copy);
            WriteQuoted(copy[..utf8.Length], output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes a quoted JSON string from unescaped UTF-8; runs that need no escape are copied as they are.</summary>
    /// <exception cref="ReachException">REACH-1001 when the bytes are not valid UTF-8 (Details: <c>offset</c>); nothing is written then.</exception>
    public static void WriteUtf8String(ReadOnlySpan<byte> utf8Value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!Utf8.IsValid(utf8Value))
        {
            var offset = IndexOfInvalidUtf8(utf8Value);
            throw new ReachException(
                ErrorCatalog.JsonInvalid,
                string.Create(CultureInfo.InvariantCulture, $"{ErrorCatalog.JsonInvalid.Title}: the string is not valid UTF-8 at byte {offset}."))
            {
                Details = new Dictionary<string, object?> { ["offset"] = offset },
            };
        }

        WriteQuoted(utf8Value, output);
    }

    private static void WriteQuoted(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        var length = EscapedLength(utf8) + 2;
        var span = output.GetSpan(length);
        span[0] = (byte)'"';
        Escape(utf8, span[1..]);
        span[length - 1] = (byte)'"';
        output.Advance(length);
    }

    /// <summary>The length of <paramref name="utf8"/> once escaped: one more byte per short escape, five more per <c>\u00xx</c>.</summary>
    private static int EscapedLength(ReadOnlySpan<byte> utf8)
    {
        var length = utf8.Length;
        while (true)
        {
            var next = utf8.IndexOfAny(NeedsEscape);
            if (next < 0)
            {
                return length;
            }

            length += ShortEscape(utf8[next]) != 0 ? 1 : 5;
            utf8 = utf8[(next + 1)..];
        }
    }

    /// <summary>Escapes <paramref name="utf8"/> into <paramref name="destination"/> and returns the bytes written.</summary>
    private static int Escape(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var written = 0;
        while (true)
        {
            var next = utf8.IndexOfAny(NeedsEscape);
            if (next < 0)
            {
                utf8.CopyTo(destination[written..]);
                return written + utf8.Length;
            }

            utf8[..next].CopyTo(destination[written..]);
            written += next;
            var value = utf8[next];
            destination[written++] = (byte)'\\';
            var shortForm = ShortEscape(value);
            if (shortForm != 0)
            {
                destination[written++] = shortForm;
            }
            else
            {
                destination[written++] = (byte)'u';
                destination[written++] = (byte)'0';
                destination[written++] = (byte)'0';
                destination[written++] = "0123456789abcdef"u8[value >> 4];
                destination[written++] = "0123456789abcdef"u8[value & 0xF];
            }

            utf8 = utf8[(next + 1)..];
        }
    }

    /// <summary>The letter of a two-character escape (<c>\"</c>, <c>\\</c>, <c>\b</c> ...), or 0 when the byte takes <c>\u00xx</c>.</summary>
    private static byte ShortEscape(byte value) => value switch
    {
        (byte)'"' => (byte)'"',
        (byte)'\\' => (byte)'\\',
        0x08 => (byte)'b',
        0x09 => (byte)'t',
        0x0A => (byte)'n',
        0x0C => (byte)'f',
        0x0D => (byte)'r',
        _ => 0,
    };

    /// <summary>
    /// Decodes the escapes of a JSON string's raw text (between the quotes, already checked by the reader)
    /// into UTF-8. Returns the length written, or -1 with <paramref name="loneSurrogateAt"/> set to the
    /// offset of a <c>\uD800</c>-style escape that does not form a pair.
    /// </summary>
    private static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination, out int loneSurrogateAt)
    {
        loneSurrogateAt = -1;
        var written = 0;
        var position = 0;
        while (true)
        {
            var backslash = raw[position..].IndexOf((byte)'\\');
            if (backslash < 0)
            {
                raw[position..].CopyTo(destination[written..]);
                return written + raw.Length - position;
            }

            raw.Slice(position, backslash).CopyTo(destination[written..]);
            written += backslash;
            position += backslash;
            var kind = raw[position + 1];
            if (kind != (byte)'u')
            {
                destination[written++] = kind switch
                {
                    (byte)'b' => (byte)0x08,
                    (byte)'t' => (byte)0x09,
                    (byte)'n' => (byte)0x0A,
                    (byte)'f' => (byte)0x0C,
                    (byte)'r' => (byte)0x0D,
                    _ => kind, // '"', '\\' and '/' stand for themselves
                };
                position += 2;
                continue;
            }

            var unit = ParseHex4(raw.Slice(position + 2, 4));
            var scalar = unit;
            var consumed = 6;
            if (char.IsLowSurrogate((char)unit))
            {
                loneSurrogateAt = position;
                return -1;
            }

            if (char.IsHighSurrogate((char)unit))
            {
                var low = raw.Length - position >= 12 && raw[position + 6] == (byte)'\\' && raw[position + 7] == (byte)'u'
                    ? ParseHex4(raw.Slice(position + 8, 4))
                    : -1;
                if (low < 0 || !char.IsLowSurrogate((char)low))
                {
                    loneSurrogateAt = position;
                    return -1;
                }

                scalar = char.ConvertToUtf32((char)unit, (char)low);
                consumed = 12;
            }

            written += new Rune(scalar).EncodeToUtf8(destination[written..]);
            position += consumed;
        }
    }

    private static int ParseHex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var c in hex)
        {
            // The reader has checked these are hex digits; OR 0x20 folds 'A'..'F' to 'a'..'f'.
            value = (value << 4) | (c <= (byte)'9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }

        return value;
    }

    /// <summary>
    /// Orders UTF-8 strings by their UTF-16 code units (RFC 8785 §3.2.3). Byte order is code point order,
    /// which differs from UTF-16 order only between U+E000..U+FFFF (lead bytes EE, EF) and characters above
    /// U+FFFF (lead bytes F0..F4), whose surrogates D800..DFFF sort first.
    /// </summary>
    private static int CompareUtf16Order(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var common = left.CommonPrefixLength(right);
        if (common == left.Length || common == right.Length)
        {
            return left.Length - right.Length;
        }

        int a = left[common];
        int b = right[common];
        if (a >= 0xEE && b >= 0xEE && (a >= 0xF0) != (b >= 0xF0))
        {
            return a >= 0xF0 ? -1 : 1;
        }

        return a - b;
    }

    /// <summary>
    /// The first 8 bytes of a UTF-8 name, big-endian and zero-padded, with lead bytes moved so that numeric
    /// order is UTF-16 order: F0..F4 (above U+FFFF) become EE..F2 and EE, EF (U+E000..U+FFFF) become F3, F4.
    /// Only lead bytes reach 0xEE, and at the first difference of two valid names both are lead bytes.
    /// </summary>
    private static ulong SortPrefix(ReadOnlySpan<byte> utf8)
    {
        ulong prefix = 0;
        if (utf8.Length >= 8)
        {
            prefix = BinaryPrimitives.ReadUInt64BigEndian(utf8);
        }
        else
        {
            for (var i = 0; i < utf8.Length; i++)
            {
                prefix |= (ulong)utf8[i] << (56 - (8 * i));
            }
        }

        return MapLeadBytes(prefix);
    }

    /// <summary>
    /// <see cref="SortPrefix"/> of the first <paramref name="length"/> bytes of
    /// <paramref name="eightBytes"/>: one read, the bytes past the name masked off, instead of a byte loop.
    /// </summary>
    private static ulong SortPrefixOfPadded(ReadOnlySpan<byte> eightBytes, int length)
    {
        var prefix = BinaryPrimitives.ReadUInt64BigEndian(eightBytes);
        if (length < 8)
        {
            prefix = length == 0 ? 0 : prefix & (ulong.MaxValue << (64 - (8 * length)));
        }

        return MapLeadBytes(prefix);
    }

    private static ulong MapLeadBytes(ulong prefix)
    {
        if ((prefix & 0x8080808080808080) == 0)
        {
            return prefix; // ASCII, the usual case
        }

        ulong mapped = 0;
        for (var shift = 0; shift < 64; shift += 8)
        {
            var b = (prefix >> shift) & 0xFF;
            if (b >= 0xEE)
            {
                b = b >= 0xF0 ? b - 2 : b + 5;
            }

            mapped |= b << shift;
        }

        return mapped;
    }

    private static int IndexOfLoneSurrogate(ReadOnlySpan<char> value)
    {
        var index = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (index < 0)
        {
            return -1;
        }

        for (; index < value.Length; index++)
        {
            var c = value[index];
            if (char.IsHighSurrogate(c) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                index++;
            }
            else if (char.IsSurrogate(c))
            {
                return index;
            }
        }

        return -1;
    }

    private static int IndexOfInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }
}
