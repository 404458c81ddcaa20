using Reach.Core.Hashing;

namespace Reach.Core.Tools;

/// <summary><c>fs.read</c>: reads a UTF-8 text file inside the workspace (at most 16 MiB; a regular file with no other hard link).</summary>
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
    public ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Execute(input, context));

    // Synchronous: the work is in memory (or one confined file operation), so there is nothing to wait for.
    private JsonElement Execute(JsonElement input, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var relative = ToolInput.RequiredString(input, Name, "path");
        var bytes = ToolInput.Workspace(context).ReadFile(Name, relative, MaxBytes);
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

/// <summary><c>fs.write</c>: writes UTF-8 text to a file inside the workspace, atomically (a new temporary file, then rename).</summary>
public sealed class FsWriteTool : ITool
{
    /// <inheritdoc/>
    public string Name => "fs.write";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => ["fs:write"];

    /// <inheritdoc/>
    public bool Deterministic => false;

    /// <inheritdoc/>
    public ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Execute(input, context));

    // Synchronous: the work is in memory (or one confined file operation), so there is nothing to wait for.
    private JsonElement Execute(JsonElement input, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var relative = ToolInput.RequiredString(input, Name, "path");
        var content = ToolInput.RequiredString(input, Name, "content");
        var bytes = Encoding.UTF8.GetBytes(content);
        ToolInput.Workspace(context).WriteFile(Name, relative, bytes);

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
