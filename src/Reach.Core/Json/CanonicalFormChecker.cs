using System.Text.Unicode;

namespace Reach.Core.Json;

/// <summary>
/// Decides in one pass, without re-encoding the document, whether UTF-8 bytes are already in RFC 8785 form:
/// no whitespace, members sorted by UTF-16 code units, canonical string escapes and number forms.
/// Verifiers use it so that a changed byte can never hide behind an equivalent spelling. While it checks, it notes
/// where each top-level member's name and value lie, so a caller can read them without parsing the line again.
/// </summary>
public sealed class CanonicalFormChecker
{
    // A transcript line wraps its data in one more object: data may nest as deep as the canonicalizer allows (64),
    // the line one deeper.
    private const int MaxDepth = 65;
    private const int MaxTopLevelMembers = 16;

    private readonly int[] _keyStart = new int[MaxDepth + 1];
    private readonly int[] _keyLength = new int[MaxDepth + 1];
    private readonly bool[] _keyEscaped = new bool[MaxDepth + 1];
    private readonly JsonMember[] _members = new JsonMember[MaxTopLevelMembers];
    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private int _memberCount;
    private bool _membersOverflowed;

    /// <summary>
    /// The top-level members of the object last found canonical, in order; empty when it was not an object or had
    /// more than 16 members.
    /// </summary>
    public ReadOnlySpan<JsonMember> TopLevelMembers => _membersOverflowed ? [] : _members.AsSpan(0, _memberCount);

    /// <summary>True when <paramref name="json"/> is one JSON value in canonical form and nothing else.</summary>
    public bool IsCanonical(ReadOnlySpan<byte> json)
    {
        _memberCount = 0;
        _membersOverflowed = false;
        if (!Utf8.IsValid(json))
        {
            return false;
        }

        var pos = 0;
        return Value(json, ref pos, 0) && pos == json.Length;
    }

    // A hand-written recursive descent over the canonical grammar, not Utf8JsonReader: canonical JSON has no
    // whitespace and one spelling per value, so the check is a single forward scan, and strings with escapes stay on
    // the vectorized search (the reader validates them byte by byte after the first backslash).
    private bool Value(ReadOnlySpan<byte> s, ref int pos, int depth)
    {
        if (pos >= s.Length)
        {
            return false;
        }

        switch (s[pos])
        {
            case (byte)'{':
                return Object(s, ref pos, depth + 1);
            case (byte)'[':
                return Array(s, ref pos, depth + 1);
            case (byte)'"':
                return String(s, ref pos, out _);
            case (byte)'t':
                return Literal(s, ref pos, "true"u8);
            case (byte)'f':
                return Literal(s, ref pos, "false"u8);
            case (byte)'n':
                return Literal(s, ref pos, "null"u8);
            default:
                return Number(s, ref pos);
        }
    }

    private bool Object(ReadOnlySpan<byte> s, ref int pos, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        pos++;
        _keyLength[depth] = -1;
        if (pos < s.Length && s[pos] == (byte)'}')
        {
            pos++;
            return true;
        }

        while (true)
        {
            if (pos >= s.Length || s[pos] != (byte)'"')
            {
                return false;
            }

            var nameStart = pos + 1;
            if (!String(s, ref pos, out var escaped))
            {
                return false;
            }

            var nameLength = pos - 1 - nameStart;
            if (!KeyFollowsPrevious(s, depth, nameStart, nameLength, escaped) || pos >= s.Length || s[pos] != (byte)':')
            {
                return false;
            }

            pos++;
            var valueStart = pos;
            if (!Value(s, ref pos, depth))
            {
                return false;
            }

            if (depth == 1)
            {
                RecordMember(new JsonMember(nameStart, nameLength, valueStart, pos - valueStart));
            }

            if (pos >= s.Length)
            {
                return false;
            }

            if (s[pos] == (byte)',')
            {
                pos++;
                continue;
            }

            pos++;
            return s[pos - 1] == (byte)'}';
        }
    }

    private bool Array(ReadOnlySpan<byte> s, ref int pos, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        pos++;
        if (pos < s.Length && s[pos] == (byte)']')
        {
            pos++;
            return true;
        }

        while (true)
        {
            if (!Value(s, ref pos, depth) || pos >= s.Length)
            {
                return false;
            }

            if (s[pos] == (byte)',')
            {
                pos++;
                continue;
            }

            pos++;
            return s[pos - 1] == (byte)']';
        }
    }

    // RFC 8785 escapes exactly '"', '\' and the controls below U+0020: \b \t \n \f \r in short form, the others
    // as \u00xx in lowercase hex; every other character, '/' and non-ASCII included, stands as it is.
    private static bool String(ReadOnlySpan<byte> s, ref int pos, out bool escaped)
    {
        escaped = false;
        pos++;
        while (true)
        {
            var at = s[pos..].IndexOfAny(StringSpecials);
            if (at < 0)
            {
                return false;
            }

            pos += at;
            var b = s[pos];
            if (b == (byte)'"')
            {
                pos++;
                return true;
            }

            if (b != (byte)'\\' || pos + 1 >= s.Length)
            {
                return false;
            }

            escaped = true;
            switch (s[pos + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    pos += 2;
                    break;
                case (byte)'u':
                    if (pos + 5 >= s.Length || s[pos + 2] != '0' || s[pos + 3] != '0' || s[pos + 4] is not ((byte)'0' or (byte)'1') || !IsLowerHexDigit(s[pos + 5]))
                    {
                        return false;
                    }

                    var value = (HexValue(s[pos + 4]) << 4) | HexValue(s[pos + 5]);
                    if (value is 0x08 or 0x09 or 0x0A or 0x0C or 0x0D)
                    {
                        return false;
                    }

                    pos += 6;
                    break;
                default:
                    return false;
            }
        }
    }

    private static bool Literal(ReadOnlySpan<byte> s, ref int pos, ReadOnlySpan<byte> literal)
    {
        if (!s[pos..].StartsWith(literal))
        {
            return false;
        }

        pos += literal.Length;
        return true;
    }

    // The JSON number grammar, then the canonical spelling of its value.
    private bool Number(ReadOnlySpan<byte> s, ref int pos)
    {
        var start = pos;
        if (pos < s.Length && s[pos] == (byte)'-')
        {
            pos++;
        }

        if (pos >= s.Length || !char.IsAsciiDigit((char)s[pos]))
        {
            return false;
        }

        if (s[pos++] != (byte)'0')
        {
            SkipDigits(s, ref pos);
        }

        if (pos < s.Length && s[pos] == (byte)'.')
        {
            pos++;
            if (SkipDigits(s, ref pos) == 0)
            {
                return false;
            }
        }

        if (pos < s.Length && s[pos] is (byte)'e' or (byte)'E')
        {
            pos++;
            if (pos < s.Length && s[pos] is (byte)'+' or (byte)'-')
            {
                pos++;
            }

            if (SkipDigits(s, ref pos) == 0)
            {
                return false;
            }
        }

        var raw = s[start..pos];
        if (IsPlainInteger(raw) || IsShortPlainDecimal(raw))
        {
            return true;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return false;
        }

        _scratch.ResetWrittenCount();
        CanonicalJson.WriteNumber(value, _scratch);
        return _scratch.WrittenSpan.SequenceEqual(raw);
    }

    private static int SkipDigits(ReadOnlySpan<byte> s, ref int pos)
    {
        var start = pos;
        while (pos < s.Length && char.IsAsciiDigit((char)s[pos]))
        {
            pos++;
        }

        return pos - start;
    }

    private void RecordMember(JsonMember member)
    {
        if (_memberCount == MaxTopLevelMembers)
        {
            _membersOverflowed = true;
            return;
        }

        _members[_memberCount++] = member;
    }

    private static bool IsLowerHexDigit(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f');

    private static int HexValue(byte b) => b <= '9' ? b - '0' : b - 'a' + 10;

    private bool KeyFollowsPrevious(ReadOnlySpan<byte> json, int depth, int start, int length, bool escaped)
    {
        var previousLength = _keyLength[depth];
        if (previousLength >= 0)
        {
            var previous = json.Slice(_keyStart[depth], previousLength);
            var current = json.Slice(start, length);
            var order = escaped || _keyEscaped[depth]
                ? string.CompareOrdinal(Unescape(previous, _keyEscaped[depth]), Unescape(current, escaped))
                : CompareUtf16Order(previous, current);
            if (order >= 0)
            {
                return false;
            }
        }

        _keyStart[depth] = start;
        _keyLength[depth] = length;
        _keyEscaped[depth] = escaped;
        return true;
    }

    // The rare path: a key with escapes is compared in its decoded form.
    private static string Unescape(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var quoted = new byte[raw.Length + 2];
        quoted[0] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString()!;
    }

    // Integers of up to 15 digits are exact doubles and print as themselves; the reader already refused leading zeros.
    private static bool IsPlainInteger(ReadOnlySpan<byte> raw)
    {
        var digits = raw;
        if (digits.Length > 0 && digits[0] == (byte)'-')
        {
            digits = digits[1..];
            if (digits.Length == 1 && digits[0] == (byte)'0')
            {
                return false;
            }
        }

        if (digits.Length is 0 or > 15)
        {
            return false;
        }

        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    // A plain decimal (no exponent) of at most 15 significant digits is exactly what ECMAScript prints for its double
    // when it has no trailing zero and, below 1, at most five zeros after the point: distinct decimals of 15 digits
    // are distinct doubles, so no shorter spelling exists. Anything else takes the exact path.
    private static bool IsShortPlainDecimal(ReadOnlySpan<byte> raw)
    {
        var digits = raw.Length > 0 && raw[0] == (byte)'-' ? raw[1..] : raw;
        var point = digits.IndexOf((byte)'.');
        if (point <= 0 || point == digits.Length - 1 || digits[^1] == (byte)'0')
        {
            return false;
        }

        var significant = 0;
        var leadingZeros = 0;
        var seenNonZero = false;
        for (var i = 0; i < digits.Length; i++)
        {
            var b = digits[i];
            if (i == point)
            {
                continue;
            }

            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            if (!seenNonZero && b == (byte)'0')
            {
                leadingZeros += i > point ? 1 : 0;
                continue;
            }

            seenNonZero = true;
            significant++;
        }

        return significant is > 0 and <= 15 && (digits[0] != (byte)'0' || leadingZeros <= 5);
    }

    /// <summary>
    /// Orders UTF-8 strings as their UTF-16 forms order: byte order is code point order, which differs from
    /// UTF-16 order only where a character in U+E000..U+FFFF (lead byte EE or EF) meets one above U+FFFF (F0..F4).
    /// </summary>
    internal static int CompareUtf16Order(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var common = left.CommonPrefixLength(right);
        if (common == left.Length || common == right.Length)
        {
            return left.Length.CompareTo(right.Length);
        }

        var a = left[common];
        var b = right[common];
        var aHigh = a is 0xEE or 0xEF;
        var bHigh = b is 0xEE or 0xEF;
        var aAstral = a >= 0xF0;
        var bAstral = b >= 0xF0;
        if ((aHigh && bAstral) || (aAstral && bHigh))
        {
            return aHigh ? 1 : -1;
        }

        return a.CompareTo(b);
    }
}

/// <summary>Where a top-level member of a checked document lies: its raw (still escaped) name and its value's bytes.</summary>
/// <param name="NameStart">The offset of the name's first byte (after the quote).</param>
/// <param name="NameLength">The name's length in bytes, without quotes.</param>
/// <param name="ValueStart">The offset of the value's first byte.</param>
/// <param name="ValueLength">The value's length in bytes (a string's quotes included).</param>
public readonly record struct JsonMember(int NameStart, int NameLength, int ValueStart, int ValueLength);
