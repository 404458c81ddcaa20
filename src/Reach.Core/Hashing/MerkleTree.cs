namespace Reach.Core.Hashing;

/// <summary>
/// RFC 6962 Merkle tree hashing: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right),
/// and the tree of n leaves splits at the largest power of two below n.
/// </summary>
public static class MerkleTree
{
    /// <summary>The hash of a leaf holding <paramref name="data"/>.</summary>
    public static Sha256Digest LeafHash(ReadOnlySpan<byte> data) => Sha256Digest.Compute([0x00], data);

    /// <summary>The hash of an interior node.</summary>
    public static Sha256Digest NodeHash(Sha256Digest left, Sha256Digest right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Sha256Digest.Size)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Sha256Digest.Size)..]);
        return Sha256Digest.Compute(buffer);
    }

    /// <summary>
    /// The tree head of the given leaves' data, by the recursive definition of RFC 6962 §2.1.
    /// It is the reference the incremental <see cref="MerkleTreeBuilder"/> is tested against.
    /// </summary>
    public static Sha256Digest ComputeRoot(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        return leaves.Count == 0 ? Sha256Digest.Empty : Root(leaves, 0, leaves.Count);

        static Sha256Digest Root(IReadOnlyList<byte[]> leaves, int start, int count)
        {
            if (count == 1)
            {
                return LeafHash(leaves[start]);
            }

            var split = LargestPowerOfTwoBelow(count);
            return NodeHash(Root(leaves, start, split), Root(leaves, start + split, count - split));
        }
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    internal static int LargestPowerOfTwoBelow(int n) => 1 << (31 - int.LeadingZeroCount(n - 1));
}
