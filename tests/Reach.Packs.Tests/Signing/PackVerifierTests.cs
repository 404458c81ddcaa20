using Reach.Core.Errors;
using Reach.Packs.Signing;

namespace Reach.Packs.Tests.Signing;

public sealed class PackVerifierTests
{
    [Fact]
    public void A_signed_pack_verifies_with_its_signer()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey("alice");
        var statement = PackSigner.Sign(pack.Directory, key);

        var verified = PackVerifier.Verify(pack.Directory, pack.Keys.Trusted());

        Assert.Equal(("hello", "1.0.0", statement.Digest, key.Id, "alice"), (verified.Name, verified.Version, verified.Digest, verified.KeyId, verified.Signer));
        Assert.Equal(Reach.Core.Packs.PackDigest.Compute(pack.Directory), verified.Digest);
    }

    [Fact]
    public void A_stripped_signature_is_refused()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        File.Delete(PackSignatureFiles.SignaturePath(pack.Directory));

        Assert.Equal(ErrorCatalog.SignatureMissing, TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted())).Error);
    }

    [Fact]
    public void A_signature_by_an_untrusted_key_is_refused_even_when_the_pack_ships_the_key()
    {
        using var author = new TestPack();
        using var key = author.NewKey();
        author.Write("author.pub", author.Keys.ExportPublic("main"));
        PackSigner.Sign(author.Directory, key);
        using var reader = new TestPack();

        var error = TestPack.Refused(() => PackVerifier.Verify(author.Directory, reader.Keys.Trusted()));

        Assert.Equal(ErrorCatalog.KeyNotTrusted, error.Error);
    }

    [Fact]
    public void The_signature_of_another_pack_is_refused()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        using var other = new TestPack(name: "other");
        PackSigner.Sign(other.Directory, key);
        CopySignature(other.Directory, pack.Directory);

        Assert.Equal(ErrorCatalog.SignatureOtherPack, TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted())).Error);
    }

    [Fact]
    public void The_signature_of_an_older_version_is_refused()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        pack.WriteManifest("hello", "2.0.0");

        Assert.Equal(ErrorCatalog.SignatureOtherVersion, TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted())).Error);
    }

    [Theory]
    [InlineData("data/payload.minisig")]
    [InlineData("payload.minisig")]
    [InlineData("data/pack.digest.minisig")]
    [InlineData("data/pack.digest")]
    public void A_signature_named_file_added_after_signing_is_refused(string path)
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        pack.Write(path, "unsigned payload\n");

        var error = TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted()));

        Assert.Equal(ErrorCatalog.PackChangedAfterSigning, error.Error);
    }

    [Fact]
    public void A_file_swapped_after_signing_is_refused_and_named()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        pack.Write("data/greeting.txt", "Goodbye\n");

        var error = TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted()));

        Assert.Equal(ErrorCatalog.PackChangedAfterSigning, error.Error);
        Assert.Contains("'data/greeting.txt' was changed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listing_edited_to_match_a_swapped_file_breaks_the_signature()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        pack.Write("data/greeting.txt", "Goodbye\n");
        File.WriteAllBytes(PackSignatureFiles.ListingPath(pack.Directory), Reach.Core.Packs.PackDigest.Listing(pack.Directory));

        Assert.Equal(ErrorCatalog.SignatureInvalid, TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted())).Error);
    }

    [Fact]
    public void An_edited_trusted_comment_breaks_the_signature()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        var path = PackSignatureFiles.SignaturePath(pack.Directory);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"version\":\"1.0.0\"", "\"version\":\"9.0.0\"", StringComparison.Ordinal));

        Assert.Equal(ErrorCatalog.SignatureInvalid, TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted())).Error);
    }

    [Fact]
    public void A_garbled_signature_file_is_malformed()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        File.WriteAllText(PackSignatureFiles.SignaturePath(pack.Directory), "not a signature\n");

        Assert.Equal(ErrorCatalog.SignatureMalformed, TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted())).Error);
    }

    [Fact]
    public void The_signature_cache_answers_a_second_verification()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        var cache = new SignatureCache(Path.Combine(pack.Root, "cache", "signatures"));

        var first = PackVerifier.Verify(pack.Directory, pack.Keys.Trusted(), cache);
        var second = PackVerifier.Verify(pack.Directory, pack.Keys.Trusted(), new SignatureCache(Path.Combine(pack.Root, "cache", "signatures")));

        Assert.False(first.Cached);
        Assert.True(second.Cached);
    }

    [Fact]
    public void A_cached_signature_still_fails_when_a_file_changed()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        var cache = new SignatureCache(Path.Combine(pack.Root, "cache", "signatures"));
        PackVerifier.Verify(pack.Directory, pack.Keys.Trusted(), cache);
        pack.Write("README.md", "changed");

        Assert.Equal(ErrorCatalog.PackChangedAfterSigning, TestPack.Refused(() => PackVerifier.Verify(pack.Directory, pack.Keys.Trusted(), cache)).Error);
    }

    private static void CopySignature(string from, string to)
    {
        File.Copy(PackSignatureFiles.ListingPath(from), PackSignatureFiles.ListingPath(to), overwrite: true);
        File.Copy(PackSignatureFiles.SignaturePath(from), PackSignatureFiles.SignaturePath(to), overwrite: true);
    }
}
