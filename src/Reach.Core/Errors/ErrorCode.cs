namespace Reach.Core.Errors;

/// <summary>One entry of the error catalogue: a stable code, what went wrong and how to fix it.</summary>
/// <param name="Code">The stable code, <c>REACH-</c> and four digits.</param>
/// <param name="Kind">The kind, which fixes the exit code.</param>
/// <param name="Title">A one-line description of the failure.</param>
/// <param name="Fix">What the user can do about it.</param>
public sealed record ErrorCode(string Code, ErrorKind Kind, string Title, string Fix)
{
    /// <summary>The process exit code for this error.</summary>
    public int ExitCode => (int)Kind;
}
