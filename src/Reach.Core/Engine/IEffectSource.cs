using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Core.Engine;

/// <summary>
/// Where the results of tools with effects on the world come from when a call is executed here
/// (<see cref="CallExecution.Here"/>): the world itself on a live run, the recording on replay. Deterministic tools
/// never go through it; they are always executed.
/// </summary>
public interface IEffectSource
{
    /// <summary>Produces the outcome of one call of a side-effecting tool.</summary>
    ValueTask<ToolOutcome> ExecuteAsync(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration, CancellationToken cancellationToken);
}

/// <summary>Runs side-effecting tools for real, confined to the run's workspace.</summary>
public sealed class LiveEffects : IEffectSource
{
    private readonly Func<Workspace> _workspace;
    private Workspace? _created;

    /// <summary>Creates live effects; the workspace is created on first use.</summary>
    public LiveEffects(Func<Workspace> workspace)
    {
        _workspace = workspace;
    }

    /// <inheritdoc/>
    public async ValueTask<ToolOutcome> ExecuteAsync(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        _created ??= _workspace();
        try
        {
            return ToolOutcome.Success(await tool.ExecuteAsync(input, new ToolContext(_created, declaration), cancellationToken).ConfigureAwait(false));
        }
        catch (ToolException ex)
        {
            return ToolOutcome.Failure(ex.Error, ex.Message);
        }
    }
}
