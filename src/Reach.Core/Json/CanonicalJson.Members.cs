using System.Diagnostics.CodeAnalysis;
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
        /// <summary>Sorts the member names of the object just closed, refuses duplicates and records the order.</summary>
        private void CloseObject(int objectIndex, int namesBase)
        {
            var duplicate = TryCloseObject(objectIndex, namesBase);
            if (duplicate >= 0)
            {
                ThrowDuplicate(duplicate);
            }
        }

        /// <summary>
        /// Sorts the member names of the object just closed and records the order; returns the token of a
        /// repeated name (the tape is then unusable), or -1. The fast reader falls back on it without throwing.
        /// </summary>
        private int TryCloseObject(int objectIndex, int namesBase)
        {
            var count = _openNameCount - namesBase;
            if (_sortedNameCount + count > _sortedNames.Length)
            {
                Array.Resize(ref _sortedNames, Math.Max(_sortedNames.Length * 2, _sortedNameCount + count));
            }

            // The object's names are the top of the open names; they are sorted where they lie.
            var members = _openNames.AsSpan(namesBase, count);
            Sort(members);
            var duplicate = FindDuplicate(members);
            if (duplicate >= 0)
            {
                return duplicate;
            }

            var sorted = _sortedNames.AsSpan(_sortedNameCount, count);
            for (var i = 0; i < count; i++)
            {
                sorted[i] = members[i].Token;
            }

            ref var objectToken = ref _tokens[objectIndex];
            objectToken.Offset = _sortedNameCount;
            objectToken.Length = count;
            _sortedNameCount += count;
            _openNameCount = namesBase;
            CloseContainer(objectIndex);
            return -1;
        }

        /// <summary>The unescaped UTF-8 of a string or member name.</summary>
        private readonly ReadOnlySpan<byte> Text(int index)
        {
            ref readonly var token = ref _tokens[index];
            return token.Escaped
                ? _scratch.AsSpan(token.Offset, token.Next)
                : _input.Slice(token.Start, token.Length);
        }

        /// <summary>Orders two member names by UTF-16 code units, mostly from their prefixes alone.</summary>
        private readonly int Compare(in Member left, in Member right)
        {
            if (left.Prefix != right.Prefix)
            {
                return left.Prefix < right.Prefix ? -1 : 1;
            }

            var leftText = Text(left.Token);
            var rightText = Text(right.Token);

            // Equal zero-padded prefixes of names no longer than 8 bytes: the shorter is a prefix of the other.
            return leftText.Length <= 8 && rightText.Length <= 8
                ? leftText.Length - rightText.Length
                : CompareUtf16Order(leftText, rightText);
        }

        private readonly void Sort(Span<Member> members)
        {
            if (members.Length <= InsertionSortLimit)
            {
                InsertionSort(members);
                return;
            }

            var rented = ArrayPool<Member>.Shared.Rent(members.Length);
            try
            {
                MergeSort(members, rented.AsSpan(0, members.Length));
            }
            finally
            {
                ArrayPool<Member>.Shared.Return(rented);
            }
        }

        // Both sorts are stable, so equal names stay in document order and the second one is reported.
        private readonly void InsertionSort(Span<Member> members)
        {
            for (var i = 1; i < members.Length; i++)
            {
                var item = members[i];
                var j = i - 1;
                // Prefixes mostly settle the order; the full comparison is a call.
                while (j >= 0
                    && (members[j].Prefix > item.Prefix
                        || (members[j].Prefix == item.Prefix && Compare(members[j], item) > 0)))
                {
                    members[j + 1] = members[j];
                    j--;
                }

                members[j + 1] = item;
            }
        }

        private readonly void MergeSort(Span<Member> members, Span<Member> temporary)
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

        /// <summary>The first repeated name in document order among sorted members, or -1.</summary>
        private readonly int FindDuplicate(ReadOnlySpan<Member> sorted)
        {
            var duplicate = -1;
            for (var i = 1; i < sorted.Length; i++)
            {
                if (sorted[i - 1].Prefix == sorted[i].Prefix
                    && Text(sorted[i - 1].Token).SequenceEqual(Text(sorted[i].Token))
                    && (duplicate < 0 || _tokens[sorted[i].Token].Start < _tokens[duplicate].Start))
                {
                    duplicate = sorted[i].Token;
                }
            }

            return duplicate;
        }

        [DoesNotReturn]
        private readonly void ThrowDuplicate(int duplicate)
        {
            var key = Encoding.UTF8.GetString(Text(duplicate));
            var quoted = key.Length <= MaxQuotedKey ? key : string.Concat(key.AsSpan(0, MaxQuotedKey), "…");
            Throw(
                ErrorCatalog.JsonDuplicateKey,
                _tokens[duplicate].Start - 1,
                $"the key \"{quoted}\" was already used in this object",
                new Dictionary<string, object?> { ["key"] = key });
        }
    }
}
