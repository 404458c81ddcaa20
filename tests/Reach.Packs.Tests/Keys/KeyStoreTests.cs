using Reach.Core.Errors;
using Reach.Packs.Keys;
using Reach.Packs.Tests.Signing;

namespace Reach.Packs.Tests.Keys;

public sealed class KeyStoreTests
{
    [Fact]
    public void An_encrypted_key_opens_with_its_passphrase_and_signs()
    {
        using var pack = new TestPack();
        var entry = pack.Keys.Generate("alice", "correct horse");

        using var key = pack.Keys.Open("alice", _ => "correct horse");

        Assert.True(entry.Encrypted);
        Assert.Equal(entry.Id, key.Id);
        Assert.True(NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(key.PublicKey.ToPublicKey(), "m"u8, key.Sign("m"u8)));
    }

    [Fact]
    public void A_wrong_passphrase_is_refused_with_its_code()
    {
        using var pack = new TestPack();
        pack.Keys.Generate("alice", "correct horse");

        var error = TestPack.Refused(() => pack.Keys.Open("alice", _ => "battery staple").Dispose());

        Assert.Equal(ErrorCatalog.KeyPassphraseWrong, error.Error);
    }

    [Fact]
    public void An_encrypted_key_without_a_passphrase_is_refused()
    {
        using var pack = new TestPack();
        pack.Keys.Generate("alice", "correct horse");

        var error = TestPack.Refused(() => pack.Keys.Open("alice", _ => null).Dispose());

        Assert.Equal(ErrorCatalog.KeyPassphraseRequired, error.Error);
    }

    [Fact]
    public void The_secret_key_file_holds_no_plain_seed_and_is_readable_by_the_owner_only()
    {
        using var pack = new TestPack();
        pack.Keys.Generate("alice", "correct horse");
        using var key = pack.Keys.Open("alice", _ => "correct horse");
        var path = Path.Combine(pack.Keys.Directory, "alice.key");

        var text = File.ReadAllText(path);

        Assert.DoesNotContain(Convert.ToBase64String(key.ExportSeed()), text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void The_first_key_is_the_default_and_is_trusted()
    {
        using var pack = new TestPack();
        pack.Keys.Generate("alice", null);
        pack.Keys.Generate("bob", null);

        var keys = pack.Keys.List();

        Assert.Equal(["alice", "bob"], keys.Select(k => k.Name));
        Assert.True(keys[0].IsDefault);
        Assert.False(keys[1].IsDefault);
        Assert.All(keys, k => Assert.True(k.Trusted));
    }

    [Fact]
    public void An_exported_secret_key_imports_into_another_store()
    {
        using var a = new TestPack();
        using var b = new TestPack();
        var entry = a.Keys.Generate("alice", "pw");

        var imported = b.Keys.Import(a.Keys.ExportSecret("alice"), null);
        using var key = b.Keys.Open(null, _ => "pw");

        Assert.Equal(entry.Id, imported.Id);
        Assert.Equal(entry.Id, key.Id);
    }

    [Fact]
    public void A_trusted_public_key_can_be_untrusted()
    {
        using var a = new TestPack();
        using var b = new TestPack();
        var entry = a.Keys.Generate("alice", null);

        b.Keys.Trust(a.Keys.ExportPublic("alice"), null);
        Assert.True(b.Keys.Trusted().ContainsKey(entry.Id));
        Assert.Equal("alice", b.Keys.Trusted()[entry.Id].Name);
        b.Keys.Untrust(entry.Id.ToString());

        Assert.Empty(b.Keys.Trusted());
    }

    [Fact]
    public void A_file_that_is_not_a_public_key_is_refused()
    {
        using var pack = new TestPack();

        var error = TestPack.Refused(() => pack.Keys.Trust("untrusted comment: x\nnot base64 at all\n", null));

        Assert.Equal(ErrorCatalog.KeyFileInvalid, error.Error);
    }

    [Fact]
    public void Key_ids_round_trip_through_their_text()
    {
        Gen.ULong.Sample(value =>
        {
            var id = new KeyId(value);
            Span<byte> bytes = stackalloc byte[8];
            id.WriteBytes(bytes);
            return KeyId.TryParse(id.ToString(), out var parsed) && parsed == id && KeyId.FromBytes(bytes) == id;
        });
    }
}
