using Reach.Core.Errors;

namespace Reach.Core.Json;

public static partial class CanonicalJson
{
    /// <summary>Up to this many members an insertion sort is quickest; events are small objects.</summary>
    private const int InsertionSortLimit = 16;

    /// <summary>The longest key a duplicate-key message quotes.</summary>
    private const int MaxQuotedKey = 64;

    private ref partial struct Tape
    {
        /// <summary>Writes the canonical form of the whole tape.</summary>
        public readonly void Write(ref Utf8Output output) => WriteValue(0, ref output);

        /// <summary>Sorts the member names of the object just closed, refuses duplicates and records the order.</summary>
        private void CloseObject(int objectIndex, int namesBase)
        {
            var count = _openNameCount - namesBase;
            if (_sortedNameCount + count > _sortedNames.Length)
            {
                var bigger = ArrayPool<int>.Shared.Rent(Math.Max(_sortedNames.Length * 2, _sortedNameCount + count));
                _sortedNames.AsSpan(0, _sortedNameCount).CopyTo(bigger);
                ArrayPool<int>.Shared.Return(_sortedNames);
                _sortedNames = bigger;
            }

            var members = _sortedNames.AsSpan(_sortedNameCount, count);
            _openNames.AsSpan(namesBase, count).CopyTo(members);
            Sort(members);
            CheckDuplicates(members);

            ref var token = ref _tokens[objectIndex];
            token.Payload = _sortedNameCount;
            token.Length = count;
            token.Next = _count;
            _sortedNameCount += count;
            _openNameCount = namesBase;
        }

        /// <summary>The unescaped UTF-8 of a string or member name.</summary>
        private readonly ReadOnlySpan<byte> Text(int index)
        {
            ref readonly var token = ref _tokens[index];
            return token.Escaped
                ? _scratch.AsSpan((int)token.Payload, token.Next)
                : _input.Slice(token.Start, token.Length);
        }

        private readonly int Compare(int left, int right) => CompareUtf16Order(Text(left), Text(right));

        private readonly void Sort(Span<int> members)
        {
            if (members.Length <= InsertionSortLimit)
            {
                InsertionSort(members);
                return;
            }

            var rented = ArrayPool<int>.Shared.Rent(members.Length);
            try
            {
                MergeSort(members, rented.AsSpan(0, members.Length));
            }
            finally
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }

        // Both sorts are stable, so equal names stay in document order and the second one is reported.
        private readonly void InsertionSort(Span<int> members)
        {
            for (var i = 1; i < members.Length; i++)
            {
                var item = members[i];
                var text = Text(item);
                var j = i - 1;
                while (j >= 0 && CompareUtf16Order(Text(members[j]), text) > 0)
                {
                    members[j + 1] = members[j];
                    j--;
                }

                members[j + 1] = item;
            }
        }

        private readonly void MergeSort(Span<int> members, Span<int> temporary)
        {
            if (members.Length <= InsertionSortLimit)
            {
                InsertionSort(members);
                return;
            }

            var middle = members.Length / 2;
            MergeSort(members[..middle], temporary[..middle]);
            MergeSort(members[middle..], temporary[middle..]);
            if (Compare(members[middle - 1], members[middle]) <= 0)
            {
                return;
            }

            members.CopyTo(temporary);
            var left = 0;
            var right = middle;
            var target = 0;
            while (left < middle && right < members.Length)
            {
                members[target++] = Compare(temporary[left], temporary[right]) <= 0 ? temporary[left++] : temporary[right++];
            }

            temporary[left..middle].CopyTo(members[target..]);
            target += middle - left;
            temporary[right..members.Length].CopyTo(members[target..]);
        }

        private readonly void CheckDuplicates(ReadOnlySpan<int> sorted)
        {
            var duplicate = -1;
            for (var i = 1; i < sorted.Length; i++)
            {
                if (Text(sorted[i - 1]).SequenceEqual(Text(sorted[i])) && (duplicate < 0 || _tokens[sorted[i]].Start < _tokens[duplicate].Start))
                {
                    duplicate = sorted[i];
                }
            }

            if (duplicate < 0)
            {
                return;
            }

            var key = Encoding.UTF8.GetString(Text(duplicate));
            var quoted = key.Length <= MaxQuotedKey ? key : string.Concat(key.AsSpan(0, MaxQuotedKey), "…");
            Throw(
                ErrorCatalog.JsonDuplicateKey,
                _tokens[duplicate].Start - 1,
                $"the key \"{quoted}\" was already used in this object",
                new Dictionary<string, object?> { ["key"] = key });
        }

        /// <summary>Writes the value at <paramref name="index"/> and returns the index of the token after it.</summary>
        private readonly int WriteValue(int index, ref Utf8Output output)
        {
            ref readonly var token = ref _tokens[index];
            switch (token.Kind)
            {
                case TokenKind.Null:
                    output.Write("null"u8);
                    return index + 1;
                case TokenKind.True:
                    output.Write("true"u8);
                    return index + 1;
                case TokenKind.False:
                    output.Write("false"u8);
                    return index + 1;
                case TokenKind.Integer:
                    output.Advance(FormatInteger(token.Payload, output.GetSpan(MaxNumberLength)));
                    return index + 1;
                case TokenKind.Number:
                    output.Advance(FormatNumber(BitConverter.Int64BitsToDouble(token.Payload), output.GetSpan(MaxNumberLength)));
                    return index + 1;
                case TokenKind.String:
                    WriteStringToken(in token, ref output);
                    return index + 1;
                case TokenKind.Array:
                    output.WriteByte((byte)'[');
                    for (var child = index + 1; child < token.Next;)
                    {
                        if (child != index + 1)
                        {
                            output.WriteByte((byte)',');
                        }

                        child = WriteValue(child, ref output);
                    }

                    output.WriteByte((byte)']');
                    return token.Next;
                default:
                    output.WriteByte((byte)'{');
                    var members = _sortedNames.AsSpan((int)token.Payload, token.Length);
                    for (var i = 0; i < members.Length; i++)
                    {
                        if (i > 0)
                        {
                            output.WriteByte((byte)',');
                        }

                        WriteStringToken(in _tokens[members[i]], ref output);
                        output.WriteByte((byte)':');
                        WriteValue(members[i] + 1, ref output);
                    }

                    output.WriteByte((byte)'}');
                    return token.Next;
            }
        }

        private readonly void WriteStringToken(in Token token, ref Utf8Output output)
        {
            if (token.Escaped)
            {
                WriteQuoted(_scratch.AsSpan((int)token.Payload, token.Next), ref output);
                return;
            }

            // Raw text without escapes is already canonical: the reader refused control characters in it,
            // and a quotation mark or reverse solidus could only appear escaped.
            var raw = _input.Slice(token.Start, token.Length);
            var span = output.GetSpan(raw.Length + 2);
            span[0] = (byte)'"';
            raw.CopyTo(span[1..]);
            span[raw.Length + 1] = (byte)'"';
            output.Advance(raw.Length + 2);
        }
    }
}
