using Reach.Core.Errors;

namespace Reach.Core.Engine;

/// <summary>What a tool call produced: an output, or a coded error.</summary>
public readonly record struct ToolOutcome
{
    /// <summary>The output, when the call succeeded.</summary>
    public JsonElement Output { get; init; }

    /// <summary>The error, when the call failed.</summary>
    public ErrorCode? Error { get; init; }

    /// <summary>The error's message.</summary>
    public string? Message { get; init; }

    /// <summary>True when the call succeeded.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A success.</summary>
    public static ToolOutcome Success(JsonElement output) => new() { Output = output };

    /// <summary>A failure.</summary>
    public static ToolOutcome Failure(ErrorCode error, string message) => new() { Error = error, Message = message };
}
