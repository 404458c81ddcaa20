namespace Reach.Core.Engine;

/// <summary>
/// How a call's effect happens once every gate has let it through, passed with the call (never set on the session
/// before it and cleared after): executed here, supplied by the client that ran it, forwarded to an MCP server, or fed
/// from a recording. Whatever the way, the session records the outcome the same way.
/// </summary>
public abstract record CallExecution
{
    private CallExecution()
    {
    }

    /// <summary>Executed here: a deterministic tool runs, a tool with effects goes through the session's <see cref="IEffectSource"/> (the world on a live run, the recording on replay).</summary>
    public static CallExecution Here { get; } = new Execute();

    /// <summary>The client ran the tool itself and sends its outcome; recorded (<c>"effect":"recorded"</c>) if the gates permit.</summary>
    public static CallExecution SuppliedBy(ToolOutcome outcome) => new Supplied(outcome ?? throw new ArgumentNullException(nameof(outcome)));

    /// <summary>Forwarded to whoever serves the tool (an MCP server); <paramref name="forward"/> runs only once the gates permit.</summary>
    public static CallExecution ForwardedBy(Func<CancellationToken, ValueTask<ToolOutcome>> forward) => new Forwarded(forward ?? throw new ArgumentNullException(nameof(forward)));

    /// <summary>Fed from a recording (replaying a gateway or runner session): the recorded outcome stands for the world's.</summary>
    public static CallExecution FedBy(ToolOutcome recorded) => new Recorded(recorded ?? throw new ArgumentNullException(nameof(recorded)));

    /// <summary>True when the session needs a tool implementation (only for <see cref="Here"/>).</summary>
    internal bool NeedsImplementation => this is Execute;

    /// <summary>See <see cref="Here"/>.</summary>
    internal sealed record Execute : CallExecution;

    /// <summary>See <see cref="SuppliedBy"/>.</summary>
    internal sealed record Supplied(ToolOutcome Outcome) : CallExecution;

    /// <summary>See <see cref="ForwardedBy"/>.</summary>
    internal sealed record Forwarded(Func<CancellationToken, ValueTask<ToolOutcome>> Forward) : CallExecution;

    /// <summary>See <see cref="FedBy"/>.</summary>
    internal sealed record Recorded(ToolOutcome Outcome) : CallExecution;
}
