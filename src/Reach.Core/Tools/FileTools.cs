using Reach.Core.Errors;
using Reach.Core.Hashing;

namespace Reach.Core.Tools;

/// <summary><c>fs.read</c>: reads a UTF-8 text file inside the workspace (at most 16 MiB).</summary>
public sealed class FsReadTool : ITool
{
    private const long MaxBytes = 16 * 1024 * 1024;

    /// <inheritdoc/>
    public string Name => "fs.read";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => ["fs:read"];

    /// <inheritdoc/>
    public bool Deterministic => false;

    /// <inheritdoc/>
    public JsonElement Execute(JsonElement input, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var relative = ToolInput.RequiredString(input, Name, "path");
        var path = ToolInput.Workspace(context).Resolve(relative);
        if (!File.Exists(path))
        {
            throw new ToolException(ErrorCatalog.WorkspaceFileNotFound, $"fs.read: '{relative}' does not exist in the workspace.");
        }

        byte[] bytes;
        try
        {
            if (new FileInfo(path).Length > MaxBytes)
            {
                throw new ToolException(ErrorCatalog.ToolFailed, $"fs.read: '{relative}' is larger than {MaxBytes} bytes.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new ToolException(ErrorCatalog.ToolFailed, $"fs.read: '{relative}' could not be read: {ex.Message}", ex);
        }

        var content = Encoding.UTF8.GetString(bytes);
        var digest = Sha256Digest.Compute(bytes).ToString();
        return ToolInput.Output(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("bytes", bytes.Length);
            w.WriteString("content", content);
            w.WriteString("path", relative);
            w.WriteString("sha256", digest);
            w.WriteEndObject();
        });
    }
}

/// <summary><c>fs.write</c>: writes UTF-8 text to a file inside the workspace, atomically (temporary file, then rename).</summary>
public sealed class FsWriteTool : ITool
{
    /// <inheritdoc/>
    public string Name => "fs.write";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => ["fs:write"];

    /// <inheritdoc/>
    public bool Deterministic => false;

    /// <inheritdoc/>
    public JsonElement Execute(JsonElement input, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var relative = ToolInput.RequiredString(input, Name, "path");
        var content = ToolInput.RequiredString(input, Name, "content");
        var path = ToolInput.Workspace(context).Resolve(relative);
        var bytes = Encoding.UTF8.GetBytes(content);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            ToolInput.Workspace(context).Resolve(relative);
            var temporary = path + ".reach-tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException ex)
        {
            throw new ToolException(ErrorCatalog.ToolFailed, $"fs.write: '{relative}' could not be written: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ToolException(ErrorCatalog.ToolFailed, $"fs.write: '{relative}' could not be written: {ex.Message}", ex);
        }

        var digest = Sha256Digest.Compute(bytes).ToString();
        return ToolInput.Output(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("bytes", bytes.Length);
            w.WriteString("path", relative);
            w.WriteString("sha256", digest);
            w.WriteEndObject();
        });
    }
}
