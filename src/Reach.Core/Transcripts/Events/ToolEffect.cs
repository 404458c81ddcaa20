namespace Reach.Core.Transcripts.Events;

/// <summary>How a tool's result came about, as <c>tool.result</c> and <c>tool.error</c> record it.</summary>
public enum ToolEffect
{
    /// <summary><c>pure</c>: a deterministic tool ran; replay runs it again.</summary>
    Pure,

    /// <summary><c>recorded</c>: a side effect happened (or was supplied or forwarded); replay feeds the recorded result back.</summary>
    Recorded,
}
