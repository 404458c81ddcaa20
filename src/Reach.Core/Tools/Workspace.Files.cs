using Microsoft.Win32.SafeHandles;
using Reach.Core.Errors;

namespace Reach.Core.Tools;

/// <summary>
/// Reading and writing a workspace file by handle. On Linux every component is opened relative to its parent's handle
/// without following links, starting from the root; a write goes to a new file with a random name created exclusively
/// (<c>O_CREAT|O_EXCL|O_NOFOLLOW</c>) and is renamed over the target, and a failed write removes it. Messages name the
/// workspace-relative path only, never the server's.
/// </summary>
public sealed partial class Workspace
{
    /// <summary>The bytes of the regular file at <paramref name="relative"/>; a file with other hard links is refused.</summary>
    internal byte[] ReadFile(string tool, string relative, long maxBytes)
    {
        var parts = Parts(relative);
        return LinuxFiles.Available ? ReadByHandle(tool, relative, parts, maxBytes) : ReadByPath(tool, relative, maxBytes);
    }

    /// <summary>Replaces (or creates) the file at <paramref name="relative"/> atomically, creating parent directories.</summary>
    internal void WriteFile(string tool, string relative, ReadOnlySpan<byte> bytes)
    {
        var parts = Parts(relative);
        if (LinuxFiles.Available)
        {
            WriteByHandle(tool, relative, parts, bytes);
        }
        else
        {
            WriteByPath(tool, relative, bytes);
        }
    }

    private string[] Parts(string relative) =>
        Resolve(relative)[(Root.Length + 1)..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);

    private byte[] ReadByHandle(string tool, string relative, string[] parts, long maxBytes)
    {
        using var directory = OpenParent(tool, relative, parts, create: false);
        using var file = LinuxFiles.OpenForReading(directory, parts[^1], out var errno);
        if (file.IsInvalid)
        {
            throw errno switch
            {
                LinuxFiles.NoEntry => NotFound(tool, relative),
                LinuxFiles.Loop => Escape(relative, "it passes through a symbolic link"),
                _ => Failed(tool, relative, "read", LinuxFiles.Describe(errno)),
            };
        }

        var (regular, isDirectory, links, size) = LinuxFiles.Describe(file);
        if (!regular)
        {
            throw Failed(tool, relative, "read", isDirectory ? "it is a directory" : "it is not a regular file");
        }

        // A hard link is the same file under a second name, possibly outside the workspace: one name, one file.
        if (links > 1)
        {
            throw Escape(relative, string.Create(CultureInfo.InvariantCulture, $"the file has {links} hard links, and a hard link can lead outside the workspace"));
        }

        if (size > maxBytes)
        {
            throw Failed(tool, relative, "read", string.Create(CultureInfo.InvariantCulture, $"it is larger than {maxBytes} bytes"));
        }

        try
        {
            using var stream = new FileStream(file, FileAccess.Read, bufferSize: 0);
            return ReadAtMost(stream, tool, relative, maxBytes);
        }
        catch (IOException)
        {
            throw Failed(tool, relative, "read", "the file system refused it");
        }
    }

    private void WriteByHandle(string tool, string relative, string[] parts, ReadOnlySpan<byte> bytes)
    {
        using var directory = OpenParent(tool, relative, parts, create: true);
        var temporary = TemporaryName();
        using (var file = LinuxFiles.CreateNew(directory, temporary, out var errno))
        {
            if (file.IsInvalid)
            {
                throw Failed(tool, relative, "written", LinuxFiles.Describe(errno));
            }

            try
            {
                RandomAccess.Write(file, bytes, 0);
            }
            catch (IOException)
            {
                file.Dispose();
                LinuxFiles.Remove(directory, temporary);
                throw Failed(tool, relative, "written", "the file system refused the bytes");
            }
        }

        var renamed = LinuxFiles.Rename(directory, temporary, parts[^1]);
        if (renamed != 0)
        {
            LinuxFiles.Remove(directory, temporary);
            throw Failed(tool, relative, "written", renamed == LinuxFiles.IsADirectory ? "it is a directory" : LinuxFiles.Describe(renamed));
        }
    }

    /// <summary>The directory holding the last part, each component opened from its parent without following links.</summary>
    private SafeFileHandle OpenParent(string tool, string relative, string[] parts, bool create)
    {
        var current = LinuxFiles.OpenRoot(Root, out var errno);
        if (current.IsInvalid)
        {
            current.Dispose();
            throw new ToolException(ErrorCatalog.ToolFailed, $"{tool}: the workspace cannot be opened: {LinuxFiles.Describe(errno)}.");
        }

        for (var i = 0; i < parts.Length - 1; i++)
        {
            var next = LinuxFiles.OpenDirectory(current, parts[i], out errno);
            if (next.IsInvalid && errno == LinuxFiles.NoEntry && create)
            {
                next.Dispose();
                var made = LinuxFiles.MakeDirectory(current, parts[i]);
                next = LinuxFiles.OpenDirectory(current, parts[i], out errno);
                errno = made is 0 or LinuxFiles.AlreadyExists ? errno : made;
            }

            current.Dispose();
            if (next.IsInvalid)
            {
                next.Dispose();
                var verb = create ? "written" : "read";
                throw errno switch
                {
                    LinuxFiles.NoEntry => NotFound(tool, relative),
                    LinuxFiles.Loop => Escape(relative, "it passes through a symbolic link"),
                    LinuxFiles.NotADirectory => Failed(tool, relative, verb, $"'{string.Join('/', parts[..(i + 1)])}' is not a directory"),
                    _ => Failed(tool, relative, verb, LinuxFiles.Describe(errno)),
                };
            }

            current = next;
        }

        return current;
    }

    // Elsewhere than Linux x86-64/arm64: the links were checked by Resolve; the temporary name is random and created
    // exclusively. The link count cannot be read there, so hard links are not refused.
    private byte[] ReadByPath(string tool, string relative, long maxBytes)
    {
        var path = Resolve(relative);
        if (!File.Exists(path))
        {
            throw Directory.Exists(path) ? Failed(tool, relative, "read", "it is a directory") : NotFound(tool, relative);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            return ReadAtMost(stream, tool, relative, maxBytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed(tool, relative, "read", "the file system refused it");
        }
    }

    private void WriteByPath(string tool, string relative, ReadOnlySpan<byte> bytes)
    {
        var path = Resolve(relative);
        string? temporary = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Resolve(relative);
            temporary = Path.Combine(Path.GetDirectoryName(path)!, TemporaryName());
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                file.Write(bytes);
            }

            File.Move(temporary, path, overwrite: true);
            temporary = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed(tool, relative, "written", Directory.Exists(path) ? "it is a directory" : "the file system refused it");
        }
        finally
        {
            if (temporary is not null)
            {
                File.Delete(temporary);
            }
        }
    }

    private static byte[] ReadAtMost(Stream stream, string tool, string relative, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw Failed(tool, relative, "read", string.Create(CultureInfo.InvariantCulture, $"it is larger than {maxBytes} bytes"));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A name nobody can guess in advance, so nothing can be planted there. The OS generator is read directly, not the
    /// run's injected <see cref="IRandomSource"/>: a temporary name is not part of the record, and drawing from the
    /// run's source would shift the event salts that replay reproduces from it.
    /// </summary>
    private static string TemporaryName()
    {
        Span<byte> random = stackalloc byte[16];
        SystemRandomSource.Instance.Fill(random);
        return ".reach-" + Convert.ToHexStringLower(random) + ".tmp";
    }

    private static ToolException NotFound(string tool, string relative) =>
        new(ErrorCatalog.WorkspaceFileNotFound, $"{tool}: '{relative}' does not exist in the workspace.");

    private static ToolException Failed(string tool, string relative, string verb, string why) =>
        new(ErrorCatalog.ToolFailed, $"{tool}: '{relative}' could not be {verb}: {why}.");
}
