using System.Buffers.Text;

namespace Reach.Core.Json;

public static partial class CanonicalJson
{
    private ref partial struct Tape
    {
        /// <summary>
        /// Reads a document into the tape without <see cref="Utf8JsonReader"/>, which costs about a third of a
        /// small document's canonicalization. It takes only what RFC 8259 allows: anything else (an error,
        /// comments, a duplicate key, a lone surrogate, a number out of range, nesting at the depth limit)
        /// returns false, without throwing, and the caller reads the document again with the reader, so
        /// errors keep one implementation. The input's UTF-8 has already been checked; tokens, names,
        /// scratch text and lengths are exactly those the reader path fills.
        /// </summary>
        private bool TryReadFast()
        {
            var position = SkipWhitespace(0);
            return TryValue(ref position, 0) && SkipWhitespace(position) == _input.Length;
        }

        private readonly int SkipWhitespace(int position)
        {
            var input = _input;
            while (position < input.Length && input[position] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                position++;
            }

            return position;
        }

        /// <summary>Reads the value at <paramref name="position"/>, at nesting <paramref name="depth"/> (the root's is 0).</summary>
        private bool TryValue(ref int position, int depth)
        {
            if (position >= _input.Length)
            {
                return false;
            }

            switch (_input[position])
            {
                case (byte)'"':
                    return TryString(ref position, TokenKind.String) >= 0;
                case (byte)'{':
                    return TryObject(ref position, depth);
                case (byte)'[':
                    return TryArray(ref position, depth);
                case (byte)'t':
                    return TryLiteral(ref position, "true"u8, TokenKind.True);
                case (byte)'f':
                    return TryLiteral(ref position, "false"u8, TokenKind.False);
                case (byte)'n':
                    return TryLiteral(ref position, "null"u8, TokenKind.Null);
                default:
                    return TryNumber(ref position);
            }
        }

        private bool TryObject(ref int position, int depth)
        {
            // At the limit the reader path reports REACH-1005.
            if (depth >= MaxDepth)
            {
                return false;
            }

            var input = _input;
            var index = Add(TokenKind.Object, position, 2);
            var namesBase = _openNameCount;
            position = SkipWhitespace(position + 1);
            if (position < input.Length && input[position] == (byte)'}')
            {
                position++;
                return TryCloseObject(index, namesBase) < 0;
            }

            while (true)
            {
                if (position >= input.Length || input[position] != (byte)'"')
                {
                    return false;
                }

                var name = TryString(ref position, TokenKind.Name);
                if (name < 0)
                {
                    return false;
                }

                PushName(name);
                _textLength++; // the colon
                position = SkipWhitespace(position);
                if (position >= input.Length || input[position] != (byte)':')
                {
                    return false;
                }

                position = SkipWhitespace(position + 1);
                if (!TryValue(ref position, depth + 1))
                {
                    return false;
                }

                position = SkipWhitespace(position);
                if (position >= input.Length)
                {
                    return false;
                }

                var next = input[position++];
                if (next == (byte)'}')
                {
                    // A repeated name is refused by the reader path, with its message.
                    return TryCloseObject(index, namesBase) < 0;
                }

                if (next != (byte)',')
                {
                    return false;
                }

                position = SkipWhitespace(position);
            }
        }

        private bool TryArray(ref int position, int depth)
        {
            if (depth >= MaxDepth)
            {
                return false;
            }

            var input = _input;
            var index = Add(TokenKind.Array, position, 2);
            position = SkipWhitespace(position + 1);
            if (position < input.Length && input[position] == (byte)']')
            {
                position++;
                CloseContainer(index);
                return true;
            }

            while (true)
            {
                if (!TryValue(ref position, depth + 1))
                {
                    return false;
                }

                position = SkipWhitespace(position);
                if (position >= input.Length)
                {
                    return false;
                }

                var next = input[position++];
                if (next == (byte)']')
                {
                    CloseContainer(index);
                    return true;
                }

                if (next != (byte)',')
                {
                    return false;
                }

                position = SkipWhitespace(position);
            }
        }

        /// <summary>Reads the string whose opening quote is at <paramref name="position"/>; returns its token or -1.</summary>
        private int TryString(ref int position, TokenKind kind)
        {
            var start = position + 1;
            var rest = _input[start..];
            var escaped = false;
            var end = 0;
            while (true)
            {
                // NeedsEscape is exactly what ends a run of literal text: a quote, a backslash or a control.
                var next = rest[end..].IndexOfAny(NeedsEscape);
                if (next < 0)
                {
                    return -1;
                }

                end += next;
                var value = rest[end];
                if (value == (byte)'"')
                {
                    break;
                }

                if (value != (byte)'\\' || end + 1 >= rest.Length)
                {
                    return -1; // a control character, which JSON refuses unescaped
                }

                escaped = true;
                var escape = rest[end + 1];
                if (escape == (byte)'u')
                {
                    if (rest.Length - end < 6 || !IsHex4(rest.Slice(end + 2, 4)))
                    {
                        return -1;
                    }

                    end += 6;
                }
                else if (escape is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
                {
                    end += 2;
                }
                else
                {
                    return -1;
                }
            }

            position = start + end + 1;

            // -1 for a lone surrogate escape too.
            return AddText(kind, start, rest[..end], escaped, out _);
        }

        private static bool IsHex4(ReadOnlySpan<byte> hex) =>
            char.IsAsciiHexDigit((char)hex[0]) && char.IsAsciiHexDigit((char)hex[1])
            && char.IsAsciiHexDigit((char)hex[2]) && char.IsAsciiHexDigit((char)hex[3]);

        private bool TryLiteral(ref int position, ReadOnlySpan<byte> literal, TokenKind kind)
        {
            if (!_input[position..].StartsWith(literal))
            {
                return false;
            }

            Add(kind, position, literal.Length);
            position += literal.Length;
            return true;
        }

        /// <summary>
        /// Reads a number as <see cref="AddNumber"/> does: checks RFC 8259's grammar, keeps the text already in
        /// ECMAScript's form and integers up to 2^53 other than -0, and formats the others.
        /// </summary>
        private bool TryNumber(ref int position)
        {
            var input = _input;
            var start = position;
            var at = position;
            if (at < input.Length && input[at] == (byte)'-')
            {
                at++;
            }

            if (at >= input.Length || !char.IsAsciiDigit((char)input[at]))
            {
                return false;
            }

            // A leading zero stands alone; digits after it end the number, and the caller refuses them.
            if (input[at++] != (byte)'0')
            {
                while (at < input.Length && char.IsAsciiDigit((char)input[at]))
                {
                    at++;
                }
            }

            var integerEnd = at;
            if (at < input.Length && input[at] == (byte)'.')
            {
                at++;
                var fractionStart = at;
                while (at < input.Length && char.IsAsciiDigit((char)input[at]))
                {
                    at++;
                }

                if (at == fractionStart)
                {
                    return false;
                }
            }

            var exponent = at < input.Length && (input[at] | 0x20) == (byte)'e';
            if (exponent)
            {
                at++;
                if (at < input.Length && input[at] is (byte)'+' or (byte)'-')
                {
                    at++;
                }

                var digitsStart = at;
                while (at < input.Length && char.IsAsciiDigit((char)input[at]))
                {
                    at++;
                }

                if (at == digitsStart)
                {
                    return false;
                }
            }

            var raw = input[start..at];
            position = at;

            // Integers are settled by the cheaper test first; either test taking the text is enough.
            if ((integerEnd == at && IsExactInteger(raw)) || IsCanonicalNumberText(raw))
            {
                var verbatim = Add(TokenKind.Verbatim, start, raw.Length);
                _tokens[verbatim].Length = raw.Length;
                return true;
            }

            // The conversion Utf8JsonReader.TryGetDouble makes, with the format it passes, so the double is
            // the one the reader path would format; a magnitude too large is left to that path to refuse.
            if (!Utf8Parser.TryParse(raw, out double value, out var consumed, exponent ? 'e' : default)
                || consumed != raw.Length
                || !double.IsFinite(value))
            {
                return false;
            }

            AddFormatted(start, value);
            return true;
        }

        /// <summary>The reader path's other verbatim case: an integer of up to 17 characters within ±2^53, not -0.</summary>
        private static bool IsExactInteger(ReadOnlySpan<byte> raw)
        {
            if (raw.Length > 17)
            {
                return false;
            }

            var negative = raw[0] == (byte)'-';
            long value = 0;
            foreach (var digit in negative ? raw[1..] : raw)
            {
                value = (value * 10) + (digit - '0');
            }

            return value <= MaxExactInteger && (value != 0 || !negative);
        }
    }
}
