using System.Text;
using Reach.Core.Hashing;

namespace Reach.Core.Tests.Hashing;

/// <summary>RFC 6962 tree heads, the incremental builder against the recursive definition, and the digest's text form.</summary>
public sealed class MerkleTreeTests
{
    // The leaves and tree heads of the Certificate Transparency reference tests (merkle_tree_test.cc), sizes 1..8.
    private static readonly string[] ReferenceLeaves =
    [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ];

    private static readonly string[] ReferenceRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private const string EmptyRoot = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void The_empty_tree_head_is_the_SHA256_of_nothing()
    {
        Assert.Equal(EmptyRoot, MerkleTree.ComputeRoot([]).ToHex());
        Assert.Equal(EmptyRoot, new MerkleTreeBuilder().Root().ToHex());
        Assert.Equal(EmptyRoot, Sha256Digest.Empty.ToHex());
    }

    [Fact]
    public void Tree_heads_match_the_RFC_6962_reference_vectors_for_sizes_1_to_8()
    {
        var leaves = ReferenceLeaves.Select(Convert.FromHexString).ToArray();
        var builder = new MerkleTreeBuilder();
        for (var size = 1; size <= leaves.Length; size++)
        {
            builder.AddLeaf(leaves[size - 1]);

            Assert.Equal(ReferenceRoots[size - 1], MerkleTree.ComputeRoot(leaves[..size]).ToHex());
            Assert.Equal(ReferenceRoots[size - 1], builder.Root().ToHex());
            Assert.Equal(size, builder.Count);
        }
    }

    [Fact]
    public void Leaf_and_node_hashes_use_the_RFC_6962_domain_prefixes()
    {
        var left = MerkleTree.LeafHash([0x00]);
        var right = MerkleTree.LeafHash([0x10]);

        Assert.Equal(Sha256Digest.Compute([0x00, 0x00]), left);
        Assert.Equal(Sha256Digest.Compute([0x01, .. left.ToArray(), .. right.ToArray()]), MerkleTree.NodeHash(left, right));
        Assert.Equal(ReferenceRoots[0], MerkleTree.LeafHash([]).ToHex());
    }

    [Fact]
    public void The_builder_equals_the_recursive_definition_at_every_size_from_0_to_300()
    {
        var leaves = new List<byte[]>();
        var builder = new MerkleTreeBuilder();
        Assert.Equal(MerkleTree.ComputeRoot(leaves), builder.Root());
        for (var size = 1; size <= 300; size++)
        {
            var leaf = Encoding.UTF8.GetBytes($"leaf {size}");
            leaves.Add(leaf);
            builder.AddLeaf(leaf);

            Assert.True(MerkleTree.ComputeRoot(leaves) == builder.Root(), $"size {size}");
        }
    }

    [Fact]
    public void The_builder_equals_the_recursive_definition_for_generated_leaves()
    {
        Gen.Byte.Array[0, 40].Array[0, 300].Sample(
            leaves =>
            {
                var builder = new MerkleTreeBuilder();
                foreach (var leaf in leaves)
                {
                    builder.AddLeaf(leaf);
                }

                Assert.Equal(MerkleTree.ComputeRoot(leaves), builder.Root());
                Assert.Equal(leaves.Length, builder.Count);
            },
            iter: 1000);
    }

    [Fact]
    public void A_digest_leaf_is_a_leaf_holding_the_digest_bytes()
    {
        Gen.Byte.Array[32].Array[0, 40].Sample(
            digests =>
            {
                var byDigest = new MerkleTreeBuilder();
                var byBytes = new MerkleTreeBuilder();
                foreach (var bytes in digests)
                {
                    byDigest.AddDigestLeaf(Sha256Digest.FromBytes(bytes));
                    byBytes.AddLeaf(bytes);
                }

                Assert.Equal(byBytes.Root(), byDigest.Root());
                Assert.Equal(MerkleTree.ComputeRoot(digests), byDigest.Root());
            },
            iter: 1000);
    }

    [Fact]
    public void Reading_the_root_does_not_change_the_builder()
    {
        var builder = new MerkleTreeBuilder();
        var leaves = new List<byte[]>();
        for (var i = 0; i < 13; i++)
        {
            leaves.Add([(byte)i]);
            builder.AddLeaf([(byte)i]);
            _ = builder.Root();
            _ = builder.Root();
        }

        Assert.Equal(MerkleTree.ComputeRoot(leaves), builder.Root());
    }

    [Fact]
    public void A_digest_round_trips_through_its_text_form()
    {
        Gen.Byte.Array[32].Sample(
            bytes =>
            {
                var digest = Sha256Digest.FromBytes(bytes);
                var text = digest.ToString();

                Assert.Equal("sha256:" + Convert.ToHexStringLower(bytes), text);
                Assert.Equal(Sha256Digest.TextLength, text.Length);
                Assert.Equal(Convert.ToHexStringLower(bytes), digest.ToHex());
                Assert.Equal(digest, Sha256Digest.Parse(text));
                Assert.True(Sha256Digest.TryParse(Encoding.ASCII.GetBytes(text), out var fromUtf8));
                Assert.Equal(digest, fromUtf8);
                Assert.Equal(bytes, digest.ToArray());
            },
            iter: 1000);
    }

    [Fact]
    public void Digests_are_equal_exactly_when_their_bytes_are()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Int[0, 31], Gen.Int[0, 7]).Sample(
            (bytes, index, bit) =>
            {
                var other = (byte[])bytes.Clone();
                other[index] ^= (byte)(1 << bit);
                var a = Sha256Digest.FromBytes(bytes);

                Assert.Equal(a, Sha256Digest.FromBytes((byte[])bytes.Clone()));
                Assert.Equal(a.GetHashCode(), Sha256Digest.FromBytes((byte[])bytes.Clone()).GetHashCode());
                Assert.NotEqual(a, Sha256Digest.FromBytes(other));
                Assert.True(a != Sha256Digest.FromBytes(other));
            },
            iter: 1000);
    }

    [Theory]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85F")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g")]
    [InlineData("sha256: 3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("")]
    public void A_digest_refuses_any_other_text(string text)
    {
        Assert.False(Sha256Digest.TryParse(text.AsSpan(), out _));
        Assert.False(Sha256Digest.TryParse(Encoding.UTF8.GetBytes(text), out _));
        Assert.Throws<FormatException>(() => Sha256Digest.Parse(text));
    }

    [Fact]
    public void The_lowercase_form_of_a_refused_uppercase_digest_parses()
    {
        // The refusal above is about case, not about the digits themselves.
        Assert.True(Sha256Digest.TryParse(("sha256:" + EmptyRoot).AsSpan(), out var digest));
        Assert.Equal(Sha256Digest.Empty, digest);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void A_digest_cannot_hold_anything_but_32_bytes(int length)
    {
        Assert.Throws<ArgumentException>(() => Sha256Digest.FromBytes(new byte[length]));
    }
}
