using Reach.Core.Errors;

namespace Reach.Core.Tools;

/// <summary>
/// The directory a run's file and process tools are confined to. A path is resolved against it and refused when it
/// is absolute, climbs out with <c>..</c>, or passes through a symbolic link at any depth; files are then read and
/// written by handle (Workspace.Files.cs), so a link planted between the check and the use cannot lead out.
/// </summary>
public sealed partial class Workspace
{
    /// <summary>Creates (if needed) and confines to <paramref name="root"/>.</summary>
    public Workspace(string root)
    {
        Directory.CreateDirectory(root);
        var full = Path.GetFullPath(root);
        var info = new DirectoryInfo(full);
        Root = info.LinkTarget is null ? full : info.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        Root = Path.TrimEndingDirectorySeparator(Root);
    }

    /// <summary>The absolute root.</summary>
    public string Root { get; }

    /// <summary>Resolves a relative path inside the workspace, refusing any way out.</summary>
    public string Resolve(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        if (relative.Length == 0 || Path.IsPathRooted(relative) || relative.Contains('\0', StringComparison.Ordinal))
        {
            throw Escape(relative, "it must be a non-empty relative path");
        }

        var full = Path.GetFullPath(Path.Combine(Root, relative));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw Escape(relative, "it leads outside the workspace");
        }

        // Every existing component below the root must be a real directory or file, never a link.
        var current = Root;
        foreach (var part in full[(Root.Length + 1)..].Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                throw Escape(relative, "it passes through a symbolic link");
            }

            if (!info.Exists && new FileInfo(current).LinkTarget is not null)
            {
                throw Escape(relative, "it passes through a symbolic link");
            }
        }

        return full;
    }

    private static ToolException Escape(string path, string why) =>
        new(ErrorCatalog.PathEscapesWorkspace, $"The path '{path}' is refused: {why}.");
}
