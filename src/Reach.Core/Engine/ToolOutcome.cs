using System.Diagnostics.CodeAnalysis;
using Reach.Core.Errors;

namespace Reach.Core.Engine;

/// <summary>
/// What a tool call produced: an output, or a coded error with its message. A class with two factories, so no outcome
/// exists that is neither (a <c>default</c> struct once counted as a success with no output).
/// </summary>
public sealed class ToolOutcome
{
    private ToolOutcome(JsonElement output, ErrorCode? error, string? message)
    {
        Output = output;
        Error = error;
        Message = message;
    }

    /// <summary>The output, when the call succeeded.</summary>
    public JsonElement Output { get; }

    /// <summary>The error, when the call failed.</summary>
    public ErrorCode? Error { get; }

    /// <summary>The error's message, when the call failed.</summary>
    public string? Message { get; }

    /// <summary>True when the call succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Error), nameof(Message))]
    public bool Succeeded => Error is null;

    /// <summary>A success; an output with no value (a default <see cref="JsonElement"/>) is refused.</summary>
    public static ToolOutcome Success(JsonElement output) =>
        output.ValueKind == JsonValueKind.Undefined
            ? throw new ArgumentException("A successful outcome needs an output (the JsonElement has no value).", nameof(output))
            : new(output, null, null);

    /// <summary>A failure with its code and message.</summary>
    public static ToolOutcome Failure(ErrorCode error, string message)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(message);
        return new(default, error, message);
    }
}
