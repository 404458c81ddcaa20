namespace Reach.Core.Json;

public static partial class CanonicalJson
{
    private ref partial struct Tape
    {
        /// <summary>Writes the canonical text into exactly <see cref="OutputLength"/> bytes.</summary>
        public readonly void Write(Span<byte> destination)
        {
            var position = 0;
            WriteValue(0, destination, ref position);
        }

        /// <summary>Writes the value at <paramref name="index"/> and returns the index of the token after it.</summary>
        private readonly int WriteValue(int index, Span<byte> destination, ref int position)
        {
            ref readonly var token = ref _tokens[index];
            switch (token.Kind)
            {
                case TokenKind.Null:
                    "null"u8.CopyTo(destination[position..]);
                    position += 4;
                    return index + 1;
                case TokenKind.True:
                    "true"u8.CopyTo(destination[position..]);
                    position += 4;
                    return index + 1;
                case TokenKind.False:
                    "false"u8.CopyTo(destination[position..]);
                    position += 5;
                    return index + 1;
                case TokenKind.Verbatim:
                    _input.Slice(token.Start, token.Length).CopyTo(destination[position..]);
                    position += token.Length;
                    return index + 1;
                case TokenKind.Formatted:
                    _scratch.AsSpan(token.Offset, token.Next).CopyTo(destination[position..]);
                    position += token.Next;
                    return index + 1;
                case TokenKind.String:
                    WriteString(in token, destination, ref position);
                    return index + 1;
                case TokenKind.Array:
                    destination[position++] = (byte)'[';
                    for (var child = index + 1; child < token.Next;)
                    {
                        if (child != index + 1)
                        {
                            destination[position++] = (byte)',';
                        }

                        child = WriteValue(child, destination, ref position);
                    }

                    destination[position++] = (byte)']';
                    return token.Next;
                default:
                    destination[position++] = (byte)'{';
                    var names = _sortedNames.AsSpan(token.Offset, token.Length);
                    for (var i = 0; i < names.Length; i++)
                    {
                        if (i > 0)
                        {
                            destination[position++] = (byte)',';
                        }

                        WriteString(in _tokens[names[i]], destination, ref position);
                        destination[position++] = (byte)':';

                        // Most member values are plain strings and numbers, copied here without the call.
                        ref readonly var value = ref _tokens[names[i] + 1];
                        if (value.Kind is TokenKind.Verbatim || (value.Kind is TokenKind.String && !value.Escaped))
                        {
                            var raw = value.Kind is TokenKind.String
                                ? _input.Slice(value.Start - 1, value.Length + 2)
                                : _input.Slice(value.Start, value.Length);
                            raw.CopyTo(destination[position..]);
                            position += raw.Length;
                        }
                        else
                        {
                            WriteValue(names[i] + 1, destination, ref position);
                        }
                    }

                    destination[position++] = (byte)'}';
                    return token.Next;
            }
        }

        private readonly void WriteString(in Token token, Span<byte> destination, ref int position)
        {
            if (token.Escaped)
            {
                destination[position++] = (byte)'"';
                position += Escape(_scratch.AsSpan(token.Offset, token.Next), destination[position..]);
                destination[position++] = (byte)'"';
            }
            else
            {
                // The raw text is canonical and the input holds its quotes around it: one copy for all.
                var quoted = _input.Slice(token.Start - 1, token.Length + 2);
                quoted.CopyTo(destination[position..]);
                position += quoted.Length;
            }
        }
    }
}
