namespace Reach.Core.Packs;

/// <summary>One step of a pack: it calls one tool with an input that may reference inputs and earlier outputs.</summary>
public sealed record StepDefinition
{
    /// <summary>The step's id, unique in the pack.</summary>
    public required string Id { get; init; }

    /// <summary>The tool it calls.</summary>
    public required string Tool { get; init; }

    /// <summary>The input template; strings may hold <c>${inputs.X}</c> and <c>${steps.ID.output...}</c> references.</summary>
    public required JsonElement Input { get; init; }
}
