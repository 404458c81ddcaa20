using Reach.Packs.Keys;
using Reach.Packs.Signing;

namespace Reach.Packs.Tests.Signing;

public sealed class MinisignInteropTests
{
    [Fact]
    public void Minisign_verifies_a_signature_reach_made_with_the_exported_public_key()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        var statement = PackSigner.Sign(pack.Directory, key);
        var publicKey = Path.Combine(pack.Root, "main.pub");
        File.WriteAllText(publicKey, pack.Keys.ExportPublic("main"));

        var (exit, output) = ExternalTool.Run("minisign", "-V", "-p", publicKey, "-m", PackSignatureFiles.ListingPath(pack.Directory));

        Assert.True(exit == 0, output);
        Assert.Contains(statement.ToTrustedComment(), output, StringComparison.Ordinal);
    }

    [Fact]
    public void Minisign_rejects_a_reach_signature_when_the_listing_changed()
    {
        using var pack = new TestPack();
        using var key = pack.NewKey();
        PackSigner.Sign(pack.Directory, key);
        var publicKey = Path.Combine(pack.Root, "main.pub");
        File.WriteAllText(publicKey, pack.Keys.ExportPublic("main"));
        File.AppendAllText(PackSignatureFiles.ListingPath(pack.Directory), " ");

        var (exit, _) = ExternalTool.Run("minisign", "-V", "-p", publicKey, "-m", PackSignatureFiles.ListingPath(pack.Directory));

        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void Reach_verifies_a_pack_signature_minisign_made()
    {
        using var pack = new TestPack();
        var secret = Path.Combine(pack.Root, "minisign.key");
        var publicKey = Path.Combine(pack.Root, "minisign.pub");
        var generated = ExternalTool.Run("minisign", "-G", "-W", "-f", "-p", publicKey, "-s", secret);
        Assert.True(generated.ExitCode == 0, generated.Output);
        var listing = PackSignatureFiles.ListingPath(pack.Directory);
        File.WriteAllBytes(listing, Reach.Core.Packs.PackDigest.Listing(pack.Directory));
        var statement = new PackStatement("hello", "1.0.0", Reach.Core.Packs.PackDigest.Compute(pack.Directory));
        var signed = ExternalTool.Run("minisign", "-S", "-s", secret, "-m", listing, "-t", statement.ToTrustedComment());
        Assert.True(signed.ExitCode == 0, signed.Output);
        pack.Keys.Trust(File.ReadAllText(publicKey), "author");

        var verified = PackVerifier.Verify(pack.Directory, pack.Keys.Trusted());

        Assert.Equal("author", verified.Signer);
        Assert.Equal(statement.Digest, verified.Digest);
        Assert.Equal(MinisignPublicKey.Parse(File.ReadAllText(publicKey), out _).Id, verified.KeyId);
    }

    [Fact]
    public void Reach_verifies_any_file_minisign_signed_and_rejects_a_changed_one()
    {
        using var pack = new TestPack();
        var secret = Path.Combine(pack.Root, "minisign.key");
        var publicKeyPath = Path.Combine(pack.Root, "minisign.pub");
        Assert.Equal(0, ExternalTool.Run("minisign", "-G", "-W", "-f", "-p", publicKeyPath, "-s", secret).ExitCode);
        var file = Path.Combine(pack.Root, "message.txt");
        File.WriteAllText(file, "any bytes at all\n");
        Assert.Equal(0, ExternalTool.Run("minisign", "-S", "-s", secret, "-m", file, "-t", "a trusted comment").ExitCode);
        var publicKey = MinisignPublicKey.Parse(File.ReadAllText(publicKeyPath), out _);
        var signature = MinisignSignature.Parse(File.ReadAllText(file + ".minisig"));

        Assert.True(signature.Prehashed);
        Assert.Equal("a trusted comment", signature.TrustedComment);
        Assert.True(Minisign.Verify(publicKey, File.ReadAllBytes(file), signature));
        Assert.False(Minisign.Verify(publicKey, "any bytes at all!\n"u8, signature));
        Assert.False(Minisign.Verify(publicKey, File.ReadAllBytes(file), signature with { TrustedComment = "another comment" }));
    }

    [Fact]
    public void Reach_writes_key_ids_the_way_minisign_prints_them()
    {
        using var pack = new TestPack();
        var publicKeyPath = Path.Combine(pack.Root, "minisign.pub");
        var generated = ExternalTool.Run("minisign", "-G", "-W", "-f", "-p", publicKeyPath, "-s", Path.Combine(pack.Root, "minisign.key"));
        Assert.True(generated.ExitCode == 0, generated.Output);

        var key = MinisignPublicKey.Parse(File.ReadAllText(publicKeyPath), out var comment);

        // The same number in the same byte order; minisign prints it without leading zeros (PRIX64), Reach always
        // with 16 digits (its ids name files and parse back at a fixed width), so one in 16 keys differs by a "0".
        const string Prefix = "minisign public key ";
        Assert.NotNull(comment);
        Assert.StartsWith(Prefix, comment, StringComparison.Ordinal);
        var printed = comment[Prefix.Length..];
        Assert.Equal(key.Id.Value, ulong.Parse(printed, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(printed.PadLeft(16, '0'), key.Id.ToString());
    }
}
