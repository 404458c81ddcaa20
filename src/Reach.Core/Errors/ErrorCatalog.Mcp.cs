namespace Reach.Core.Errors;

/// <summary>The MCP gateway and its connector registry (6000).</summary>
public static partial class ErrorCatalog
{
    // 6000: connectors
    /// <summary>A connector name is not a valid name.</summary>
    public static readonly ErrorCode McpConnectorNameInvalid = Define("REACH-6001", ErrorKind.Input, "The connector name is invalid", "Use 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit; tools are named <connector>/<tool> in policies.");
    /// <summary>No connector by that name.</summary>
    public static readonly ErrorCode McpConnectorNotFound = Define("REACH-6002", ErrorKind.Input, "No connector by that name", "List the connectors with 'reach connector list', or add one with 'reach connector add NAME -- COMMAND [ARGS…]'.");
    /// <summary>A connector by that name exists already.</summary>
    public static readonly ErrorCode McpConnectorExists = Define("REACH-6003", ErrorKind.Input, "A connector by that name exists already", "Pick another name, or remove the old one first with 'reach connector remove NAME'.");
    /// <summary>A connector was added without a command or URL, or with both.</summary>
    public static readonly ErrorCode McpConnectorTargetInvalid = Define("REACH-6004", ErrorKind.Input, "The connector needs exactly one server: a command or a URL", "Give either '-- COMMAND [ARGS…]' for a stdio server or '--url http(s)://…' for a Streamable HTTP server.");
    /// <summary>A variable named with --env is not set.</summary>
    public static readonly ErrorCode McpEnvMissing = Define("REACH-6005", ErrorKind.Environment, "A variable the connector passes to its server is not set", "Set the variable in the environment that starts reach; its value is passed to the server and never written anywhere.");
    /// <summary>The connector's files cannot be read.</summary>
    public static readonly ErrorCode McpConnectorCorrupt = Define("REACH-6006", ErrorKind.Input, "The connector's files cannot be read", "Remove the connector and add it again, then pin it.");
    /// <summary>The connector has no pins.</summary>
    public static readonly ErrorCode McpNotPinned = Define("REACH-6007", ErrorKind.Input, "The connector is not pinned", "Run 'reach connector pin NAME' to record its tools' definitions before the gateway serves it.");

    // 6010: the gateway's checks on tool calls
    /// <summary>A tool call names a tool that was never pinned.</summary>
    public static readonly ErrorCode McpToolUnpinned = Define("REACH-6010", ErrorKind.Negative, "The tool is not pinned", "Inspect the server's new tool and run 'reach connector pin NAME' again if you trust it.");
    /// <summary>A tool's definition changed since it was pinned.</summary>
    public static readonly ErrorCode McpToolChanged = Define("REACH-6011", ErrorKind.Negative, "The tool's definition changed since it was pinned", "Compare the new definition with 'reach connector inspect NAME'; pin again only if you trust the change (a changed description can carry instructions for the model).");
    /// <summary>The server no longer offers a pinned tool.</summary>
    public static readonly ErrorCode McpToolGone = Define("REACH-6012", ErrorKind.Negative, "The server no longer offers the tool", "Pin the connector again to record the tools it offers now.");
    /// <summary>A tools/call request is malformed.</summary>
    public static readonly ErrorCode McpCallInvalid = Define("REACH-6013", ErrorKind.Input, "The tools/call request is malformed", "Send params with a string 'name' and an object 'arguments'.");

    /// <summary>A client sent a line that is not a JSON-RPC message.</summary>
    public static readonly ErrorCode McpClientMessageInvalid = Define("REACH-6014", ErrorKind.Input, "The client's message is not JSON-RPC", "Send one JSON-RPC 2.0 message per line (MCP's stdio framing).");

    // 6020: the server misbehaved
    /// <summary>The server could not be started or connected.</summary>
    public static readonly ErrorCode McpServerStartFailed = Define("REACH-6020", ErrorKind.Environment, "The MCP server could not be started", "Check the connector's command (or URL) with 'reach connector inspect NAME' and run it by hand to see its error.");
    /// <summary>The server exited or closed the connection.</summary>
    public static readonly ErrorCode McpServerExited = Define("REACH-6021", ErrorKind.Environment, "The MCP server exited or closed the connection", "Look at the server's standard error; the gateway recorded every call up to the exit.");
    /// <summary>The server did not answer in time.</summary>
    public static readonly ErrorCode McpServerTimeout = Define("REACH-6022", ErrorKind.Environment, "The MCP server did not answer in time", "Raise --timeout if the tool is slow, or check the server: an answer that is not JSON-RPC is never seen as an answer.");
    /// <summary>The server's answer is larger than the limit.</summary>
    public static readonly ErrorCode McpResultTooLarge = Define("REACH-6023", ErrorKind.Negative, "The MCP server's answer is larger than the limit", "Raise --max-result-bytes, or ask the tool for less.");
    /// <summary>The server answered something that is not a tool result.</summary>
    public static readonly ErrorCode McpServerGarbage = Define("REACH-6024", ErrorKind.Negative, "The MCP server's answer is not a valid result", "The server broke the protocol; check its version and its standard error.");
    /// <summary>The server answered a request nobody made.</summary>
    public static readonly ErrorCode McpUnsolicitedResponse = Define("REACH-6025", ErrorKind.Negative, "The MCP server answered a request that was never made", "The server broke the protocol, so the gateway stopped the session; check the server's version.");
    /// <summary>The server returned a JSON-RPC error for a tool call.</summary>
    public static readonly ErrorCode McpServerError = Define("REACH-6026", ErrorKind.Negative, "The MCP server returned an error for the call", "Read the server's message; the call reached the server.");
    /// <summary>The client cancelled a call in flight.</summary>
    public static readonly ErrorCode McpCallCancelled = Define("REACH-6027", ErrorKind.Negative, "The client cancelled the call", "Nothing to fix: the cancellation was passed on to the server and recorded.");

    // 6040: the gateway's hosting
    /// <summary>The address to listen on is not a loopback address and port.</summary>
    public static readonly ErrorCode McpListenInvalid = Define("REACH-6040", ErrorKind.Input, "The gateway listens only on a loopback address", "Pass --listen 127.0.0.1:PORT (or [::1]:PORT); 0 picks a free port.");
    /// <summary>A --budget value cannot be parsed.</summary>
    public static readonly ErrorCode McpBudgetInvalid = Define("REACH-6041", ErrorKind.Input, "The --budget value is malformed", "Write comma-separated limits: max_tool_calls=N,max_cost=C,max_duration=30s.");
    /// <summary>The runner named with --runner cannot be reached or refused the session.</summary>
    public static readonly ErrorCode McpRunnerUnavailable = Define("REACH-6043", ErrorKind.Environment, "The runner cannot record the gateway's session", "Start the runner on this machine ('reach serve') and pass its URL to --runner; the message has the runner's answer.");
    /// <summary>A policy for --runner matches tools by permissions, which the runner does not see for client-run tools.</summary>
    public static readonly ErrorCode McpRunnerPolicyPermissions = Define("REACH-6044", ErrorKind.Input, "With --runner, the policy must match MCP tools by name", "The runner gives tools it does not run no permissions, so rules on mcp:* permissions would not hold there: match tools by name (e.g. fs/read_*), or record locally without --runner.");
    /// <summary>The transcript is not an MCP gateway transcript.</summary>
    public static readonly ErrorCode McpReplayNotGateway = Define("REACH-6042", ErrorKind.Input, "The transcript was not written by the MCP gateway", "Replay pack runs with 'reach replay TRANSCRIPT --pack DIR'.");
}
