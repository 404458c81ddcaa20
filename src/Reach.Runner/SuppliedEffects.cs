using Reach.Core.Engine;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Runner;

/// <summary>
/// The runner's effect source: a call that carries a client-supplied result records that outcome; any other
/// side-effecting call runs for real through Core's <see cref="LiveEffects"/>, confined to the session's workspace.
/// </summary>
internal sealed class SuppliedEffects : IEffectSource
{
    private readonly IEffectSource _live;

    public SuppliedEffects(IEffectSource live)
    {
        _live = live;
    }

    /// <summary>The outcome the next call records instead of executing; taken (and cleared) by that call.</summary>
    public ToolOutcome? Supplied { get; set; }

    public ToolOutcome Execute(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration)
    {
        if (Supplied is { } supplied)
        {
            Supplied = null;
            return supplied;
        }

        return _live.Execute(tool, stepId, input, declaration);
    }
}
