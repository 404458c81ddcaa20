using Reach.Core.Packs;

namespace Reach.Packs.Signing;

/// <summary>The two files <c>reach pack sign</c> writes at the top of a pack.</summary>
public static class PackSignatureFiles
{
    /// <summary>The listing whose SHA-256 is the pack digest; this is the file the signature covers.</summary>
    public const string Listing = PackDigest.ListingFile;

    /// <summary>The detached minisign signature of <see cref="Listing"/>.</summary>
    public const string Signature = PackDigest.SignatureFile;

    /// <summary>The listing's path in <paramref name="directory"/>.</summary>
    public static string ListingPath(string directory) => Path.Combine(directory, Listing);

    /// <summary>The signature's path in <paramref name="directory"/>.</summary>
    public static string SignaturePath(string directory) => Path.Combine(directory, Signature);
}
