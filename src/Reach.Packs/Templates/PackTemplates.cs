using System.Text.RegularExpressions;

namespace Reach.Packs.Templates;

/// <summary>
/// The templates <c>reach pack init</c> writes. Their files are embedded in this assembly (Templates/Files/NAME/...),
/// with <c>__PACK_NAME__</c> standing for the new pack's name.
/// </summary>
public static partial class PackTemplates
{
    private const string Placeholder = "__PACK_NAME__";
    private const string ResourcePrefix = "Reach.Packs.Templates/";

    /// <summary>Every template, the default first.</summary>
    public static IReadOnlyList<PackTemplate> All { get; } =
    [
        new("minimal", "one echo step, no permissions: the smallest pack that validates, runs and replays", "", false),
        new("files-and-processes", "fs.write, proc.exec (wc, no shell) and fs.read in the run's workspace", "", false),
        new("policy-governed", "workspace files under a policy bundle (policy.json) that forbids processes and the network", "", false),
        new("with-replay-tests", "a pack in pack/ and a recorded transcript in tests/ that reach replay checks as a regression test", "pack", true),
    ];

    /// <summary>The template called <paramref name="name"/>, or null.</summary>
    public static PackTemplate? Find(string name)
    {
        foreach (var template in All)
        {
            if (template.Name == name)
            {
                return template;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="name"/> can name a pack: 1 to 64 of a-z, 0-9 and '-', not starting with '-'.</summary>
    public static bool IsValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return NamePattern().IsMatch(name);
    }

    /// <summary>
    /// Writes <paramref name="templateName"/> for a pack called <paramref name="name"/> into <paramref name="directory"/>,
    /// which must not exist; nothing is overwritten. A template that records a transcript runs the new pack once
    /// (its side effects land in a temporary workspace, deleted afterwards).
    /// </summary>
    /// <exception cref="ReachException">REACH-5010 (unknown template), REACH-5011 (the directory exists), REACH-5012 (bad name), REACH-5013 (cannot write).</exception>
    public static async Task<CreatedPack> CreateAsync(string name, string templateName, string directory)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(templateName);
        ArgumentNullException.ThrowIfNull(directory);
        if (!IsValidName(name))
        {
            throw new ReachException(ErrorCatalog.PackNameInvalid, $"'{name}' is not a valid pack name.");
        }

        var template = Find(templateName)
            ?? throw new ReachException(ErrorCatalog.TemplateUnknown, $"There is no template '{templateName}' (templates: {string.Join(", ", All.Select(t => t.Name))}).");
        var full = Path.GetFullPath(directory);
        if (Directory.Exists(full) || File.Exists(full))
        {
            throw new ReachException(ErrorCatalog.TemplateTargetExists, $"'{directory}' already exists; nothing was written.");
        }

        var written = new List<string>();
        try
        {
            Directory.CreateDirectory(full);
            foreach (var (relative, text) in Files(template))
            {
                var target = Path.Combine(full, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using (var stream = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
                {
                    var bytes = Encoding.UTF8.GetBytes(text.Replace(Placeholder, name, StringComparison.Ordinal));
                    stream.Write(bytes);
                }

                if (relative.EndsWith(".sh", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                }

                written.Add(relative);
            }

            var packDirectory = template.PackFolder.Length == 0 ? full : Path.Combine(full, template.PackFolder);
            if (template.RecordsTranscript)
            {
                await ReplayBaseline.RecordAsync(packDirectory, Path.Combine(full, ReplayBaseline.TranscriptPath)).ConfigureAwait(false);
                written.Add(ReplayBaseline.TranscriptPath);
            }

            written.Sort(StringComparer.Ordinal);
            return new CreatedPack(template, full, packDirectory, written);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.TemplateWriteFailed, $"The template could not be written to '{directory}': {ex.Message}", ex);
        }
    }

    /// <summary>The template's files: path relative to the new directory and text, sorted by path.</summary>
    public static List<(string Path, string Text)> Files(PackTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var prefix = ResourcePrefix + template.Name + "/";
        var assembly = typeof(PackTemplates).Assembly;
        var files = new List<(string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var normalized = resource.Replace('\\', '/');
            if (!normalized.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            files.Add((normalized[prefix.Length..], reader.ReadToEnd()));
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return files;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
