using System.Text.Unicode;

namespace Reach.Core.Json;

/// <summary>
/// Decides in one pass, without re-encoding the document, whether UTF-8 bytes are already in RFC 8785 form:
/// no whitespace, members sorted by UTF-16 code units, canonical string escapes and number forms.
/// Verifiers use it so that a changed byte can never hide behind an equivalent spelling.
/// </summary>
public sealed class CanonicalFormChecker
{
    // A line wraps its data in one more object: data may nest as deep as the canonicalizer allows (64), the line one deeper.
    private const int MaxDepth = 65;
    private readonly byte[]?[] _previousKeys = new byte[MaxDepth + 1][];
    private readonly int[] _previousKeyLengths = new int[MaxDepth + 1];
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private byte[] _unescaped = new byte[256];

    /// <summary>True when <paramref name="json"/> is one JSON value in canonical form and nothing else.</summary>
    public bool IsCanonical(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        long previousEnd = 0;
        try
        {
            while (reader.Read())
            {
                var start = reader.TokenStartIndex;
                var gap = start - previousEnd;
                if (gap > 1 || (gap == 1 && json[(int)previousEnd] is not ((byte)',' or (byte)':')))
                {
                    return false;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        _previousKeyLengths[reader.CurrentDepth + 1] = -1;
                        break;
                    case JsonTokenType.PropertyName:
                        if (!CheckString(ref reader, json, out var key) || !KeyFollowsPrevious(reader.CurrentDepth, key))
                        {
                            return false;
                        }

                        break;
                    case JsonTokenType.String:
                        if (!CheckString(ref reader, json, out _))
                        {
                            return false;
                        }

                        break;
                    case JsonTokenType.Number:
                        if (!CheckNumber(ref reader))
                        {
                            return false;
                        }

                        break;
                    default:
                        break;
                }

                previousEnd = reader.BytesConsumed;
            }

            return previousEnd == json.Length && reader.TokenType != JsonTokenType.None;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool CheckString(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out ReadOnlySpan<byte> value)
    {
        if (!reader.ValueIsEscaped)
        {
            value = reader.ValueSpan;
            return Utf8.IsValid(value);
        }

        if (_unescaped.Length < reader.ValueSpan.Length)
        {
            _unescaped = new byte[Math.Max(reader.ValueSpan.Length, _unescaped.Length * 2)];
        }

        int length;
        try
        {
            length = reader.CopyString(_unescaped);
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }

        value = _unescaped.AsSpan(0, length);
        if (!Utf8.IsValid(value))
        {
            return false;
        }

        _scratch.ResetWrittenCount();
        CanonicalJson.WriteUtf8String(value, _scratch);
        var raw = json.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2);
        return _scratch.WrittenSpan.SequenceEqual(raw);
    }

    private bool KeyFollowsPrevious(int depth, ReadOnlySpan<byte> key)
    {
        var previousLength = _previousKeyLengths[depth];
        if (previousLength >= 0 && CompareUtf16Order(_previousKeys[depth].AsSpan(0, previousLength), key) >= 0)
        {
            return false;
        }

        var slot = _previousKeys[depth];
        if (slot is null || slot.Length < key.Length)
        {
            slot = new byte[Math.Max(32, key.Length)];
            _previousKeys[depth] = slot;
        }

        key.CopyTo(slot);
        _previousKeyLengths[depth] = key.Length;
        return true;
    }

    private bool CheckNumber(ref Utf8JsonReader reader)
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
