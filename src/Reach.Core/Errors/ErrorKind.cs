namespace Reach.Core.Errors;

/// <summary>What kind of failure an error is; the CLI maps each kind to an exit code.</summary>
public enum ErrorKind
{
    /// <summary>A negative answer: verification failed, a call was denied, a replay diverged (exit 1).</summary>
    Negative = 1,

    /// <summary>Usage or bad input (exit 2).</summary>
    Input = 2,

    /// <summary>Environment: I/O, permissions, a missing dependency (exit 3).</summary>
    Environment = 3,

    /// <summary>An internal error: a bug (exit 70).</summary>
    Internal = 70,
}
