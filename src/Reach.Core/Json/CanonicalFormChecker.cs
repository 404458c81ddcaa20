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

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        long previousEnd = 0;
        var valueStart = -1;
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                var gap = start - previousEnd;
                if (gap > 1 || (gap == 1 && json[(int)previousEnd] is not ((byte)',' or (byte)':')))
                {
                    return false;
                }

                var depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        _keyLength[depth + 1] = -1;
                        break;
                    case JsonTokenType.PropertyName:
                        if ((reader.ValueIsEscaped && !EscapesAreCanonical(reader.ValueSpan)) || !KeyFollowsPrevious(json, depth, start + 1, reader.ValueSpan.Length, reader.ValueIsEscaped))
                        {
                            return false;
                        }

                        if (depth == 1)
                        {
                            BeginMember(start + 1, reader.ValueSpan.Length);
                        }

                        break;
                    case JsonTokenType.String:
                        if (reader.ValueIsEscaped && !EscapesAreCanonical(reader.ValueSpan))
                        {
                            return false;
                        }

                        break;
                    case JsonTokenType.Number:
                        if (!NumberIsCanonical(ref reader))
                        {
                            return false;
                        }

                        break;
                    default:
                        break;
                }

                previousEnd = reader.BytesConsumed;
                if (depth == 1 && reader.TokenType != JsonTokenType.PropertyName)
                {
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        valueStart = start;
                    }
                    else
                    {
                        EndMember(reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray ? valueStart : start, (int)previousEnd);
                    }
                }
            }

            return previousEnd == json.Length && reader.TokenType != JsonTokenType.None;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void BeginMember(int nameStart, int nameLength)
    {
        if (_memberCount == MaxTopLevelMembers)
        {
            _membersOverflowed = true;
            return;
        }

        _members[_memberCount] = new JsonMember(nameStart, nameLength, 0, 0);
    }

    private void EndMember(int valueStart, int valueEnd)
    {
        if (_membersOverflowed)
        {
            return;
        }

        _members[_memberCount] = _members[_memberCount] with { ValueStart = valueStart, ValueLength = valueEnd - valueStart };
        _memberCount++;
    }

    // RFC 8785 escapes exactly '"', '\' and the controls below U+0020: \b \t \n \f \r in short form, the others as
    // \u00xx in lowercase hex. The reader has already refused invalid escapes, so the short forms are canonical and
    // only two can re-spell a character: "\/" and a "\u" that is not one of those control escapes. Searching for
    // just these two (vectorized) beats stepping from backslash to backslash in escape-heavy text.
    private static bool EscapesAreCanonical(ReadOnlySpan<byte> raw)
    {
        if (FindEscape(raw, "\\/"u8) >= 0)
        {
            return false;
        }

        var offset = 0;
        while (true)
        {
            var at = FindEscape(raw[offset..], "\\u"u8);
            if (at < 0)
            {
                return true;
            }

            var i = offset + at;
            if (i + 5 >= raw.Length || raw[i + 2] != '0' || raw[i + 3] != '0' || raw[i + 4] is not ((byte)'0' or (byte)'1') || !IsLowerHexDigit(raw[i + 5]))
            {
                return false;
            }

            var value = (HexValue(raw[i + 4]) << 4) | HexValue(raw[i + 5]);
            if (value is 0x08 or 0x09 or 0x0A or 0x0C or 0x0D)
            {
                return false;
            }

            offset = i + 6;
        }
    }

    // The first place where <paramref name="pair"/> (a backslash and a letter) starts an escape: the backslash must
    // end an odd run of backslashes, or it is the second half of an escaped backslash.
    private static int FindEscape(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> pair)
    {
        var offset = 0;
        while (true)
        {
            var at = raw[offset..].IndexOf(pair);
            if (at < 0)
            {
                return -1;
            }

            var i = offset + at;
            var run = 1;
            while (i - run >= 0 && raw[i - run] == (byte)'\\')
            {
                run++;
            }

            if (run % 2 == 1)
            {
                return i;
            }

            offset = i + 1;
        }
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

    private bool NumberIsCanonical(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (IsPlainInteger(raw))
        {
            return true;
        }

        if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            return false;
        }

        _scratch.ResetWrittenCount();
        CanonicalJson.WriteNumber(value, _scratch);
        return _scratch.WrittenSpan.SequenceEqual(raw);
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
