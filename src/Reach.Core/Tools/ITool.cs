namespace Reach.Core.Tools;

/// <summary>A tool the engine can call.</summary>
public interface ITool
{
    /// <summary>The tool's name, e.g. <c>fs.read</c>.</summary>
    string Name { get; }

    /// <summary>The permissions a call needs; the pack must grant each of them.</summary>
    IReadOnlyList<string> RequiredPermissions { get; }

    /// <summary>
    /// True when the output depends only on the input: the tool is re-executed on replay and its output compared.
    /// False for tools with effects on the world: their results are recorded and fed back on replay.
    /// </summary>
    bool Deterministic { get; }

    /// <summary>Runs the tool; expected failures throw <see cref="ToolException"/>. <paramref name="cancellationToken"/> cancels the call (the run was interrupted).</summary>
    ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken);
}
