namespace Reach.Policy.Compilation;

/// <summary>One reason a bundle does not compile: a catalogue code, the JSON pointer of the offending member and a message.</summary>
/// <param name="Error">The catalogue entry.</param>
/// <param name="Pointer">The JSON pointer into the bundle ("" for the whole document).</param>
/// <param name="Message">What is wrong.</param>
public sealed record PolicyCompileError(ErrorCode Error, string Pointer, string Message)
{
    /// <summary>The error as an exception hosts render: the message names the pointer, the details carry it.</summary>
    public ReachException ToException() => new(Error, Pointer.Length == 0 ? Message : $"{Message} (at {Pointer})")
    {
        Details = new Dictionary<string, object?> { ["pointer"] = Pointer },
    };
}
