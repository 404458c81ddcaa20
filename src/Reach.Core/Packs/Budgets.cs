namespace Reach.Core.Packs;

/// <summary>A pack's limits; a null limit is not enforced.</summary>
public sealed record Budgets
{
    /// <summary>At most this many steps.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>At most this many tool calls.</summary>
    public long? MaxToolCalls { get; init; }

    /// <summary>At most this much cost, in the pack's units.</summary>
    public decimal? MaxCost { get; init; }

    /// <summary>At most this much time from the run's start, read from the injected clock.</summary>
    public TimeSpan? MaxDuration { get; init; }
}
