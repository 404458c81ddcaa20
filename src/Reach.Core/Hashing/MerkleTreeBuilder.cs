namespace Reach.Core.Hashing;

/// <summary>
/// Builds an RFC 6962 tree head leaf by leaf in O(log n) memory: it keeps the roots of the perfect
/// subtrees that n's binary form describes, and folds them right to left for the head.
/// </summary>
public sealed class MerkleTreeBuilder
{
    private readonly List<Sha256Digest> _stack = new(32);
    private readonly List<long> _sizes = new(32);

    /// <summary>How many leaves were added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a leaf whose data is the 32 bytes of <paramref name="digest"/>.</summary>
    public void AddDigestLeaf(Sha256Digest digest)
    {
        Span<byte> bytes = stackalloc byte[Sha256Digest.Size];
        digest.CopyTo(bytes);
        AddLeafHash(MerkleTree.LeafHash(bytes));
    }

    /// <summary>Adds a leaf holding <paramref name="data"/>.</summary>
    public void AddLeaf(ReadOnlySpan<byte> data) => AddLeafHash(MerkleTree.LeafHash(data));

    private void AddLeafHash(Sha256Digest leafHash)
    {
        var node = leafHash;
        long size = 1;
        while (_sizes.Count > 0 && _sizes[^1] == size)
        {
            node = MerkleTree.NodeHash(_stack[^1], node);
            _stack.RemoveAt(_stack.Count - 1);
            _sizes.RemoveAt(_sizes.Count - 1);
            size *= 2;
        }

        _stack.Add(node);
        _sizes.Add(size);
        Count++;
    }

    /// <summary>The tree head over the leaves so far (SHA-256 of nothing when there are none).</summary>
    public Sha256Digest Root()
    {
        if (_stack.Count == 0)
        {
            return Sha256Digest.Empty;
        }

        var root = _stack[^1];
        for (var i = _stack.Count - 2; i >= 0; i--)
        {
            root = MerkleTree.NodeHash(_stack[i], root);
        }

        return root;
    }
}
