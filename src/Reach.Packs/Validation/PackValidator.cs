using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Packs.Validation;

/// <summary>
/// Validates a pack directory: JSON syntax and duplicate keys, the schema, then (when the schema passes) the lint
/// rules, the file accounting and the permission audit. Problems in the pack are findings, never exceptions.
/// </summary>
public static class PackValidator
{
    /// <summary>Validates the pack in <paramref name="directory"/> against the built-in tools.</summary>
    /// <exception cref="ReachException">REACH-2001 when there is no pack there; REACH-5002 when pack.json cannot be read.</exception>
    public static ValidationReport Validate(string directory) => Validate(directory, ToolRegistry.BuiltIn);

    /// <summary>Validates the pack in <paramref name="directory"/> against <paramref name="tools"/>.</summary>
    /// <exception cref="ReachException">REACH-2001 when there is no pack there; REACH-5002 when pack.json cannot be read.</exception>
    public static ValidationReport Validate(string directory, ToolRegistry tools)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(tools);
        var full = Path.GetFullPath(directory);
        var bytes = Read(directory, full);
        return ValidateManifest(full, bytes, tools);
    }

    private static ValidationReport ValidateManifest(string full, byte[] bytes, ToolRegistry tools)
    {
        ReadOnlySpan<byte> json = bytes;
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        JsonSourceMap map;
        try
        {
            map = JsonSourceMap.Build(json);
        }
        catch (JsonException ex)
        {
            var position = new SourcePosition((int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1);
            return Broken(full, new PackFinding
            {
                Rule = PackRules.Schema,
                Message = ex.Message.StartsWith("pack.json", StringComparison.Ordinal) || ex.Message.StartsWith("a string", StringComparison.Ordinal)
                    ? ex.Message
                    : $"pack.json is not valid JSON at {position}",
                Fix = "Fix the JSON at that line and column (a missing comma, quote or brace is the usual cause).",
                Pointer = "",
                Position = position,
            });
        }

        var findings = new List<PackFinding>();
        foreach (var pointer in map.DuplicateKeys)
        {
            findings.Add(new PackFinding
            {
                Rule = PackRules.Schema,
                Message = $"{pointer} appears twice in the same object",
                Fix = "Keep one of the two members; a key may appear once (RFC 8785 has no canonical form for duplicates).",
                Pointer = pointer,
                Position = map.Locate(pointer),
            });
        }

        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        findings.AddRange(PackSchema.Evaluate(root, map));
        var name = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var version = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (findings.Count > 0)
        {
            return new ValidationReport { Directory = full, Name = name, Version = version, Findings = findings };
        }

        var manifest = ManifestView.Read(root);
        findings.AddRange(PackLinter.Lint(manifest, map, tools).OrderBy(f => f.Position ?? new SourcePosition(int.MaxValue, 0)));
        findings.AddRange(PackFileAccounting.Check(full, manifest, map));
        if (!findings.Exists(f => f.Severity == FindingSeverity.Error))
        {
            LoaderAgrees(json, tools, map, findings);
        }

        return new ValidationReport
        {
            Directory = full,
            Name = name,
            Version = version,
            Findings = [.. findings.OrderBy(f => f.Severity)], // stable: errors first, each group in its order
            Audit = PermissionAudit.Audit(manifest, tools),
        };
    }

    /// <summary>
    /// A safety net: a pack that passes every rule must also load for a run. Should the loader still refuse it (a rule
    /// and the loader drifted apart), the refusal is reported as a schema finding rather than discovered at run time.
    /// </summary>
    private static void LoaderAgrees(ReadOnlySpan<byte> json, ToolRegistry tools, JsonSourceMap map, List<PackFinding> findings)
    {
        try
        {
            PackLoader.Parse(json, tools.Names);
        }
        catch (ReachException ex)
        {
            var pointer = ex.Details.TryGetValue("pointer", out var p) && p is string s ? s : "";
            findings.Add(new PackFinding
            {
                Rule = PackRules.Schema,
                Message = $"{ex.Message.TrimEnd('.')} ({ex.Code})",
                Fix = ex.Error.Fix,
                Pointer = pointer,
                Position = map.Locate(pointer),
            });
        }
    }

    private static byte[] Read(string given, string full)
    {
        var manifestPath = Path.Combine(full, PackLoader.ManifestFile);
        if (!Directory.Exists(full) || !File.Exists(manifestPath))
        {
            var nested = Path.Combine(full, "pack", PackLoader.ManifestFile);
            var why = !Directory.Exists(full) ? "the directory does not exist"
                : File.Exists(nested) ? $"it has no pack.json, but {Path.Combine(given, "pack")} has one"
                : "it has no pack.json";
            throw new ReachException(ErrorCatalog.PackNotFound, $"No pack at '{given}': {why}.");
        }

        try
        {
            return File.ReadAllBytes(manifestPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.ManifestUnreadable, $"'{manifestPath}' cannot be read: {ex.Message}", ex);
        }
    }

    private static ValidationReport Broken(string full, PackFinding finding) =>
        new() { Directory = full, Findings = [finding] };
}
