namespace Reach.Packs.Signing;

/// <summary>
/// A minisign signature file: <c>untrusted comment: …</c>, base64 of <c>algorithm ‖ key id ‖ signature</c> (algorithm
/// <c>ED</c> signs BLAKE2b-512 of the file, legacy <c>Ed</c> the file itself), <c>trusted comment: …</c>, and base64 of
/// the global signature over <c>signature ‖ trusted comment</c>.
/// </summary>
public sealed record MinisignSignature
{
    /// <summary>The prefix of the first line.</summary>
    public const string UntrustedPrefix = "untrusted comment: ";

    /// <summary>The prefix of the third line.</summary>
    public const string TrustedPrefix = "trusted comment: ";

    /// <summary>True for the prehashed variant (<c>ED</c>); false for legacy <c>Ed</c>.</summary>
    public required bool Prehashed { get; init; }

    /// <summary>The signer's key id.</summary>
    public required Keys.KeyId KeyId { get; init; }

    /// <summary>The 64-byte signature of the file (or of its BLAKE2b-512 hash).</summary>
    public required byte[] Signature { get; init; }

    /// <summary>The untrusted comment (free to change).</summary>
    public required string UntrustedComment { get; init; }

    /// <summary>The trusted comment (covered by the global signature).</summary>
    public required string TrustedComment { get; init; }

    /// <summary>The 64-byte signature of <c>Signature ‖ TrustedComment</c>.</summary>
    public required byte[] GlobalSignature { get; init; }

    /// <summary>The file text.</summary>
    public string Format()
    {
        var blob = new byte[2 + Keys.KeyId.Size + 64];
        blob[0] = (byte)'E';
        blob[1] = Prehashed ? (byte)'D' : (byte)'d';
        KeyId.WriteBytes(blob.AsSpan(2));
        Signature.CopyTo(blob, 10);
        return $"{UntrustedPrefix}{UntrustedComment}\n{Convert.ToBase64String(blob)}\n{TrustedPrefix}{TrustedComment}\n{Convert.ToBase64String(GlobalSignature)}\n";
    }

    /// <summary>Parses a signature file.</summary>
    /// <exception cref="ReachException">REACH-5207 when it is not one.</exception>
    public static MinisignSignature Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].TrimEnd('\r');
        }

        if (lines.Length < 4 || !lines[0].StartsWith(UntrustedPrefix, StringComparison.Ordinal) || !lines[2].StartsWith(TrustedPrefix, StringComparison.Ordinal))
        {
            throw Malformed("it needs four lines: an untrusted comment, the signature, a trusted comment and the global signature");
        }

        for (var i = 4; i < lines.Length; i++)
        {
            if (lines[i].Length > 0)
            {
                throw Malformed("text follows the global signature");
            }
        }

        var blob = Decode(lines[1], 74, "signature");
        var global = Decode(lines[3], 64, "global signature");
        if (blob[0] != (byte)'E' || blob[1] is not ((byte)'D' or (byte)'d'))
        {
            throw Malformed("its algorithm is neither ED nor Ed");
        }

        return new MinisignSignature
        {
            Prehashed = blob[1] == (byte)'D',
            KeyId = Keys.KeyId.FromBytes(blob.AsSpan(2, 8)),
            Signature = blob[10..],
            UntrustedComment = lines[0][UntrustedPrefix.Length..],
            TrustedComment = lines[2][TrustedPrefix.Length..],
            GlobalSignature = global,
        };
    }

    private static byte[] Decode(string line, int length, string what)
    {
        var bytes = new byte[length + 3];
        return Convert.TryFromBase64String(line.Trim(), bytes, out var written) && written == length
            ? bytes[..length]
            : throw Malformed($"the {what} line is not base64 of {length} bytes");
    }

    private static ReachException Malformed(string why) => new(ErrorCatalog.SignatureMalformed, $"The signature file is not in minisign's format: {why}.");
}
