using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Json;

namespace Reach.Core.Packs;

/// <summary>
/// The pack digest: SHA-256 of the canonical JSON <c>{"files":[{"path":P,"sha256":D}...],"format":1}</c>, files sorted
/// by path (UTF-16 order, '/' separators), where D is the SHA-256 of the file's bytes, except <c>pack.json</c>, taken in
/// its RFC 8785 form so whitespace, key order and a leading byte order mark do not change the digest. Only the signed
/// listing itself (<c>pack.digest</c>) and its signature (<c>pack.digest.minisig</c>), both at the top, are left out;
/// links are refused.
/// </summary>
public static class PackDigest
{
    /// <summary>The file <c>reach pack sign</c> writes: the listing whose SHA-256 is the pack digest.</summary>
    public const string ListingFile = "pack.digest";

    /// <summary>The minisign signature of <see cref="ListingFile"/>, beside it at the top of the pack.</summary>
    public const string SignatureFile = ListingFile + ".minisig";

    /// <summary>Computes the digest of the pack in <paramref name="directory"/>.</summary>
    public static Sha256Digest Compute(string directory) => Sha256Digest.Compute(Listing(directory));

    /// <summary>The canonical listing <c>{"files":[...],"format":1}</c> of the pack; its SHA-256 is the pack digest.</summary>
    public static byte[] Listing(string directory)
    {
        var root = Path.GetFullPath(directory);
        var files = new List<(string Path, Sha256Digest Digest)>();
        Walk(root, root, files);
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        var buffer = new ArrayBufferWriter<byte>(256 + (files.Count * 120));
        buffer.Write("{\"files\":["u8);
        for (var i = 0; i < files.Count; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            buffer.Write("{\"path\":"u8);
            CanonicalJson.WriteString(files[i].Path, buffer);
            buffer.Write(",\"sha256\":"u8);
            CanonicalJson.WriteString(files[i].Digest.ToString(), buffer);
            buffer.Write("}"u8);
        }

        buffer.Write("],\"format\":1}"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Walk(string root, string directory, List<(string, Sha256Digest)> files)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            if (entry.LinkTarget is not null)
            {
                throw new ReachException(ErrorCatalog.PackPathRefused, $"'{relative}' in the pack is a link; a pack holds only regular files.");
            }

            if (entry is DirectoryInfo)
            {
                Walk(root, entry.FullName, files);
                continue;
            }

            // Only the two files signing writes at the top are outside the digest; anything else, whatever its
            // name or depth, is payload and must be signed.
            if (relative is ListingFile or SignatureFile)
            {
                continue;
            }

            var bytes = File.ReadAllBytes(entry.FullName);
            // pack.json as the strict reader reads it: a leading byte order mark, like whitespace, does not change the digest.
            var digest = relative == "pack.json" ? Sha256Digest.Compute(CanonicalJson.Canonicalize(StrictJson.WithoutBom(bytes))) : Sha256Digest.Compute(bytes);
            files.Add((relative, digest));
        }
    }
}
