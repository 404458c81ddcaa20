using Reach.Core.Errors;

namespace Reach.Core.Gates;

/// <summary>
/// The MCP gateway's pin refusals as Core records them: a call of a tool that is not pinned, or whose definition
/// changed or is gone (or could not be read), denied by the rule <see cref="Rule"/> in the pipeline's first place. The
/// gateway decides them itself; a runner that records a gateway session, and replay, take them with the call
/// (<see cref="Engine.ProposedCall.Refusal"/>), so all three write the same <c>policy.decision</c>.
/// </summary>
public static class PinRefusals
{
    /// <summary>The rule every pin refusal carries.</summary>
    public const string Rule = "reach.mcp.pinned";

    /// <summary>The codes a pin refusal may carry: the pin check's own, and the server failures that stop it from reading the current definitions.</summary>
    public static IReadOnlyList<ErrorCode> Codes { get; } =
    [
        ErrorCatalog.McpToolUnpinned, ErrorCatalog.McpToolChanged, ErrorCatalog.McpToolGone,
        ErrorCatalog.McpServerExited, ErrorCatalog.McpServerTimeout, ErrorCatalog.McpServerGarbage, ErrorCatalog.McpServerError,
    ];

    /// <summary>The pin refusal with <paramref name="code"/> (one of <see cref="Codes"/>) and <paramref name="reason"/>.</summary>
    public static PolicyDecision Deny(ErrorCode code, string reason)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(reason);
        return Find(code.Code) is null
            ? throw new ArgumentException($"'{code.Code}' is not a pin refusal's code.", nameof(code))
            : PolicyDecision.Deny(code, reason, Rule);
    }

    /// <summary>The pin refusal code spelled <paramref name="code"/>, or null when it is none of <see cref="Codes"/>.</summary>
    public static ErrorCode? Find(string? code)
    {
        foreach (var known in Codes)
        {
            if (string.Equals(known.Code, code, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return null;
    }
}
