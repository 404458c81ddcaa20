using Reach.Core.Errors;

namespace Reach.Core.Tools;

/// <summary>A tool's expected failure: it becomes a <c>tool.error</c> event and ends the run as failed.</summary>
public sealed class ToolException : Exception
{
    /// <summary>Creates a tool failure with a catalogue code.</summary>
    public ToolException(ErrorCode error, string message, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
    }

    /// <summary>The catalogue entry.</summary>
    public ErrorCode Error { get; }
}
