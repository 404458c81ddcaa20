using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reach.Core.Errors;
using Reach.Packs.Keys;
using Reach.Packs.Signing;
using Reach.Packs.Tests.Signing;

namespace Reach.Packs.Tests.Properties;

public sealed class SignedPackProperties
{
    private static readonly Gen<string> Segment = Gen.Char["abcxyz0"].Array[1, 4].Select(chars => new string(chars));

    private static readonly Gen<string> FilePath = Gen.OneOf(Segment.Select(s => s + ".txt"), Gen.Select(Segment, Segment, (d, f) => d + "/" + f));

    private static readonly Gen<Dictionary<string, byte[]>> Files = Gen.Select(FilePath, Gen.Byte.Array[0, 48]).List[1, 5]
        .Select(list =>
        {
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (path, bytes) in list)
            {
                files[path] = bytes;
            }

            // A file and a directory may not share a name.
            foreach (var path in files.Keys.ToList())
            {
                if (files.Keys.Any(other => other.StartsWith(path + "/", StringComparison.Ordinal)))
                {
                    files.Remove(path);
                }
            }

            return files;
        });

    [Fact]
    public void signed_pack_verifies_canonical_hash()
    {
        using var home = new TestPack();
        using var key = home.NewKey();
        var trusted = home.Keys.Trusted();
        var cases = 0;

        Gen.Select(Files, Gen.Int[0, 4], Gen.Int[0, 1000], Gen.Int[0, 1000]).Sample((files, mutation, pick, position) =>
        {
            var dir = Path.Combine(home.Root, "case-" + Interlocked.Increment(ref cases).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "pack.json"), TestPack.Manifest("prop", "1.2.3"));
            foreach (var (path, bytes) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
                File.WriteAllBytes(Path.Combine(dir, path), bytes);
            }

            var statement = PackSigner.Sign(dir, key);
            var ok = PackVerifier.Verify(dir, trusted).Digest == statement.Digest;

            // Reformatting pack.json (indentation, key order) keeps the signature valid.
            File.WriteAllText(Path.Combine(dir, "pack.json"), Reformat(File.ReadAllText(Path.Combine(dir, "pack.json"))));
            ok &= PackVerifier.Verify(dir, trusted).Digest == statement.Digest;

            Mutate(dir, files, mutation, pick, position);
            ok &= Assert.Throws<ReachException>(() => PackVerifier.Verify(dir, trusted)).Error.Kind == ErrorKind.Negative;
            Directory.Delete(dir, recursive: true);
            return ok;
        }, iter: 1000, threads: 1);

        Assert.Equal(1000, cases);
    }

    private static string Reformat(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        var reversed = new JsonObject();
        foreach (var (name, value) in node.Reverse().ToList())
        {
            node.Remove(name);
            reversed[name] = value;
        }

        return reversed.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n\n";
    }

    private static void Mutate(string dir, Dictionary<string, byte[]> files, int mutation, int pick, int position)
    {
        var paths = files.Keys.Order(StringComparer.Ordinal).ToList();
        var target = paths[pick % paths.Count];
        var full = Path.Combine(dir, target);
        switch (mutation)
        {
            case 0:
                // Change one byte of a file (or give an empty file a byte).
                var bytes = File.ReadAllBytes(full);
                if (bytes.Length == 0)
                {
                    bytes = [0x2a];
                }
                else
                {
                    bytes[position % bytes.Length] ^= (byte)(1 + (position % 255));
                }

                File.WriteAllBytes(full, bytes);
                break;
            case 1:
                File.WriteAllBytes(Path.Combine(dir, "added-" + position.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".bin"), [1, 2, 3]);
                break;
            case 2:
                File.Delete(full);
                break;
            case 3:
                File.Move(full, full + ".renamed");
                break;
            default:
                // A change to pack.json that survives canonicalization.
                var manifest = Path.Combine(dir, "pack.json");
                File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("Greets someone.", "Greets someone!", StringComparison.Ordinal));
                break;
        }
    }
}
