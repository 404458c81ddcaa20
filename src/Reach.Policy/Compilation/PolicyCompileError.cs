using Reach.Core.Json;

namespace Reach.Policy.Compilation;

/// <summary>One reason a bundle does not compile: a catalogue code, the JSON pointer of the offending member and a message.</summary>
/// <param name="Error">The catalogue entry.</param>
/// <param name="Pointer">The JSON pointer into the bundle ("" for the whole document).</param>
/// <param name="Message">What is wrong.</param>
public sealed record PolicyCompileError(ErrorCode Error, string Pointer, string Message)
{
    /// <summary>Where the pointer's member is in the bundle's text, when known.</summary>
    public SourcePosition? Position { get; init; }

    /// <summary>The pointer with its line and column, as messages show it: <c>/rules/0/effect, line 5, column 19</c>.</summary>
    public string Place => Position is { } p ? $"{(Pointer.Length == 0 ? "/" : Pointer)}, {p}" : Pointer;

    /// <summary>The error as an exception hosts render: the message names the pointer, the details carry it.</summary>
    public ReachException ToException() => new(Error, Pointer.Length == 0 && Position is null ? Message : $"{Message} (at {Place})")
    {
        Details = Details(),
    };

    /// <summary>
    /// Every error as one exception (the first one's code), so a host that shows one error shows them all, not only
    /// the first.
    /// </summary>
    public static ReachException ToException(IReadOnlyList<PolicyCompileError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 1)
        {
            return errors[0].ToException();
        }

        var listed = string.Join("; ", errors.Select(e => $"{e.Place}: {e.Message}"));
        var details = errors[0].Details();
        details["errors"] = errors.Count;
        return new ReachException(errors[0].Error, string.Create(CultureInfo.InvariantCulture, $"The bundle has {errors.Count} errors: {listed}.")) { Details = details };
    }

    private Dictionary<string, object?> Details()
    {
        var details = new Dictionary<string, object?> { ["pointer"] = Pointer };
        if (Position is { } p)
        {
            details["line"] = p.Line;
            details["column"] = p.Column;
        }

        return details;
    }
}
