namespace Reach.Core.Errors;

/// <summary>The runner service (4000): its requests, sessions and binding.</summary>
public static partial class ErrorCatalog
{
    // 4000: the runner service
    /// <summary>A request body is not the JSON the endpoint expects.</summary>
    public static readonly ErrorCode RunnerRequestInvalid = Define("REACH-4001", ErrorKind.Input, "The request body is malformed", "Send the JSON object the endpoint expects; the problem's detail names the field (docs/RUNNER.md).");
    /// <summary>No session with that id for the tenant.</summary>
    public static readonly ErrorCode RunnerSessionNotFound = Define("REACH-4002", ErrorKind.Input, "No session with that id", "Open a session with POST /v1/sessions and use the session_id it returns, with the same X-Tenant-ID.");
    /// <summary>The session was closed.</summary>
    public static readonly ErrorCode RunnerSessionClosed = Define("REACH-4003", ErrorKind.Input, "The session is closed", "Open a new session; a closed session's transcript is sealed.");
    /// <summary>A client supplied the result of a deterministic tool.</summary>
    public static readonly ErrorCode RunnerResultNotAccepted = Define("REACH-4004", ErrorKind.Input, "The runner computes this tool's result itself", "Send the call without result: deterministic tools are always executed by the runner; only side-effecting tools take a client-supplied result.");
    /// <summary>The tenant header is malformed.</summary>
    public static readonly ErrorCode RunnerTenantInvalid = Define("REACH-4005", ErrorKind.Input, "The X-Tenant-ID header is malformed", "Use 1 to 64 letters, digits, '.', '_' or '-', or leave the header out for the tenant 'default'.");
    /// <summary>The runner was asked to bind a non-loopback address.</summary>
    public static readonly ErrorCode RunnerNonLoopback = Define("REACH-4006", ErrorKind.Input, "The runner binds only loopback addresses", "Use --urls http://127.0.0.1:PORT (or localhost); token authentication, which a public bind needs, does not exist yet.");
    /// <summary>The URL to bind cannot be parsed.</summary>
    public static readonly ErrorCode RunnerUrlInvalid = Define("REACH-4007", ErrorKind.Input, "The address to bind is not a URL", "Pass --urls like http://127.0.0.1:8787.");
    /// <summary>The runner's store cannot be opened or written.</summary>
    public static readonly ErrorCode RunnerStoreUnavailable = Define("REACH-4008", ErrorKind.Environment, "The runner's database cannot be used", "Check that REACH_HOME/reach.db (or the configured database) is writable and not locked by another program; /readyz reports it.");
}
