namespace Reach.Core.Engine;

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>Every step completed.</summary>
    Succeeded,

    /// <summary>A gate denied a call; the run stopped there.</summary>
    Denied,

    /// <summary>A tool or a reference failed; the run stopped there.</summary>
    Failed,
}
