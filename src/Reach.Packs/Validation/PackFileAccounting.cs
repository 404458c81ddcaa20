using Reach.Core.Packs;

namespace Reach.Packs.Validation;

/// <summary>
/// Rules PACK010 and PACK016: every file below the pack directory is accounted for by the manifest, and every path the
/// manifest lists exists. A file is accounted for when it is <c>pack.json</c>, the top-level <c>README.md</c>, a
/// signature (<c>*.minisig</c>) or the signed listing (<c>pack.digest</c>), listed in <c>files</c> (itself or a folder above it), or named exactly by a string
/// in a step's input. The pack digest covers every file, so a file nobody accounts for is content a reviewer of the
/// manifest would not see.
/// </summary>
internal static class PackFileAccounting
{
    public static List<PackFinding> Check(string directory, ManifestView manifest, JsonSourceMap map)
    {
        var findings = new List<PackFinding>();
        var files = new List<string>();
        var links = new List<string>();
        Walk(directory, directory, files, links);

        var named = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < manifest.Steps.Count; i++)
        {
            var strings = new List<(string Pointer, string Text)>();
            ManifestView.Strings(manifest.Steps[i].Input, "", strings);
            foreach (var (_, text) in strings)
            {
                named.Add(text.StartsWith("./", StringComparison.Ordinal) ? text[2..] : text);
            }
        }

        for (var i = 0; i < manifest.Files.Count; i++)
        {
            var listed = manifest.Files[i].TrimEnd('/');
            var pointer = FormattableString.Invariant($"/files/{i}");
            if (!IsInside(listed))
            {
                findings.Add(Finding(PackRules.ListedFilesExist, map, pointer, $"\"{manifest.Files[i]}\" is not a relative path inside the pack"));
            }
            else if (!files.Exists(f => f == listed || f.StartsWith(listed + "/", StringComparison.Ordinal)))
            {
                findings.Add(Finding(PackRules.ListedFilesExist, map, pointer, $"\"{manifest.Files[i]}\" is listed in files but the pack has no such file or folder"));
            }
        }

        foreach (var link in links)
        {
            findings.Add(new PackFinding
            {
                Rule = PackRules.FilesAccountedFor,
                Message = $"\"{link}\" is a link; a pack holds only regular files (the digest refuses links, REACH-2011)",
                Fix = "Replace the link with the file itself, or remove it.",
                File = link,
            });
        }

        foreach (var file in files)
        {
            if (!Accounted(file, manifest, named))
            {
                findings.Add(new PackFinding
                {
                    Rule = PackRules.FilesAccountedFor,
                    Message = $"\"{file}\" is in the pack but the manifest does not account for it",
                    Fix = $"Delete it, or add \"{file}\" (or its folder) to \"files\" in pack.json.",
                    File = file,
                });
            }
        }

        return findings;
    }

    private static bool Accounted(string file, ManifestView manifest, HashSet<string> named)
    {
        if (file is "pack.json" or "README.md" or PackDigest.ListingFile || (file.EndsWith(".minisig", StringComparison.Ordinal) && !file.Contains('/', StringComparison.Ordinal)) || named.Contains(file))
        {
            return true;
        }

        foreach (var listed in manifest.Files)
        {
            var entry = listed.TrimEnd('/');
            if (file == entry || file.StartsWith(entry + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInside(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\', StringComparison.Ordinal) && Array.IndexOf(path.Split('/'), "..") < 0 && Array.IndexOf(path.Split('/'), ".") < 0;

    private static void Walk(string root, string directory, List<string> files, List<string> links)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            if (entry.LinkTarget is not null)
            {
                links.Add(relative);
            }
            else if (entry is DirectoryInfo)
            {
                Walk(root, entry.FullName, files, links);
            }
            else
            {
                files.Add(relative);
            }
        }

        files.Sort(StringComparer.Ordinal);
        links.Sort(StringComparer.Ordinal);
    }

    private static PackFinding Finding(PackRule rule, JsonSourceMap map, string pointer, string message) => new()
    {
        Rule = rule,
        Message = message,
        Fix = rule.Fix,
        Pointer = pointer,
        Position = map.Locate(pointer),
    };
}
