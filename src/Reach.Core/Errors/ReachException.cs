namespace Reach.Core.Errors;

/// <summary>An expected failure carrying a catalogue code; hosts render it without a stack trace.</summary>
public sealed class ReachException : Exception
{
    /// <summary>Creates an exception for a catalogue entry with a specific message.</summary>
    public ReachException(ErrorCode error, string message, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
    }

    /// <summary>The catalogue entry.</summary>
    public ErrorCode Error { get; }

    /// <summary>The stable code, e.g. <c>REACH-1001</c>.</summary>
    public string Code => Error.Code;

    /// <summary>Structured facts about the failure (line, sequence number, hashes), rendered by hosts.</summary>
    public IReadOnlyDictionary<string, object?> Details { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// What to do: the catalogue's fix, unless the thrower knows better (the store in use, which name clashed), so a
    /// fix never points the wrong way.
    /// </summary>
    public string Fix
    {
        get => _fix ?? Error.Fix;
        init => _fix = value;
    }

    private readonly string? _fix;
}
