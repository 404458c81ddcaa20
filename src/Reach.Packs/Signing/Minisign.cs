using NSec.Cryptography;
using Reach.Packs.Keys;

namespace Reach.Packs.Signing;

/// <summary>minisign's signing and verification (the prehashed variant, as <c>minisign -S</c> writes by default).</summary>
public static class Minisign
{
    /// <summary>Signs a file's bytes; the trusted comment must be one line.</summary>
    public static MinisignSignature Sign(SigningKey key, ReadOnlySpan<byte> message, string trustedComment, string? untrustedComment = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(trustedComment);
        if (trustedComment.Contains('\n', StringComparison.Ordinal) || trustedComment.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("A trusted comment is one line.", nameof(trustedComment));
        }

        var signature = key.Sign(HashAlgorithm.Blake2b_512.Hash(message));
        return new MinisignSignature
        {
            Prehashed = true,
            KeyId = key.Id,
            Signature = signature,
            UntrustedComment = untrustedComment ?? $"signature from reach secret key {key.Id}",
            TrustedComment = trustedComment,
            GlobalSignature = key.Sign(GlobalMessage(signature, trustedComment)),
        };
    }

    /// <summary>True when <paramref name="signature"/> is <paramref name="key"/>'s valid signature of <paramref name="message"/>, trusted comment included.</summary>
    public static bool Verify(MinisignPublicKey key, ReadOnlySpan<byte> message, MinisignSignature signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signature);
        if (key.Id != signature.KeyId)
        {
            return false;
        }

        var publicKey = key.ToPublicKey();
        var signed = signature.Prehashed ? HashAlgorithm.Blake2b_512.Hash(message) : message.ToArray();
        return SignatureAlgorithm.Ed25519.Verify(publicKey, signed, signature.Signature)
            && SignatureAlgorithm.Ed25519.Verify(publicKey, GlobalMessage(signature.Signature, signature.TrustedComment), signature.GlobalSignature);
    }

    /// <summary>
    /// True when the trusted comment is authentic (the global signature by <paramref name="key"/> holds), without the
    /// signed file: enough to read who signed what before fetching it.
    /// </summary>
    public static bool VerifyTrustedComment(MinisignPublicKey key, MinisignSignature signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signature);
        return key.Id == signature.KeyId
            && SignatureAlgorithm.Ed25519.Verify(key.ToPublicKey(), GlobalMessage(signature.Signature, signature.TrustedComment), signature.GlobalSignature);
    }

    private static byte[] GlobalMessage(byte[] signature, string trustedComment)
    {
        var comment = Encoding.UTF8.GetBytes(trustedComment);
        var message = new byte[signature.Length + comment.Length];
        signature.CopyTo(message, 0);
        comment.CopyTo(message, signature.Length);
        return message;
    }
}
