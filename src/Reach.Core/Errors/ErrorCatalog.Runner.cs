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
    public static readonly ErrorCode RunnerNonLoopback = Define("REACH-4006", ErrorKind.Input, "A non-loopback address needs token authentication", "Create a token with 'reach token create --tenant T' and start with --require-token, or bind a loopback address (127.0.0.1, ::1, localhost).");
    /// <summary>The URL to bind cannot be parsed.</summary>
    public static readonly ErrorCode RunnerUrlInvalid = Define("REACH-4007", ErrorKind.Input, "The address to bind is not a URL", "Pass --urls like http://127.0.0.1:8787.");
    /// <summary>The runner's store cannot be opened or written.</summary>
    public static readonly ErrorCode RunnerStoreUnavailable = Define("REACH-4008", ErrorKind.Environment, "The runner's database cannot be used", "Check that the configured database is reachable and writable (the message names it); /readyz reports it.");

    /// <summary>No run with that id for the tenant.</summary>
    public static readonly ErrorCode RunnerRunNotFound = Define("REACH-4009", ErrorKind.Input, "No run with that id", "Start a run with POST /v1/runs and use the run_id it returns, with the same X-Tenant-ID.");

    /// <summary>A call of a tool the client runs itself came without its result.</summary>
    public static readonly ErrorCode RunnerClientToolNeedsResult = Define("REACH-4010", ErrorKind.Input, "The client runs this tool: the call needs its result", "Ask POST /v1/sessions/{id}/decide first, run the tool when it is allowed, then send the call with result {output} or {error}.");

    /// <summary>An Idempotency-Key was reused with a different request body.</summary>
    public static readonly ErrorCode RunnerIdempotencyConflict = Define("REACH-4011", ErrorKind.Negative, "The Idempotency-Key was used for another request", "Send a new key for a new call; repeat a key only to retry the very same body.");

    /// <summary>The spawn limits refused a child session.</summary>
    public static readonly ErrorCode RunnerSpawnLimit = Define("REACH-4012", ErrorKind.Negative, "The spawn limit is reached", "Close child sessions, raise spawn_max_depth / spawn_max_children in config.json, or turn on enable_unlimited_spawns.");

    /// <summary>A spawn asked for tools or budgets the parent does not have.</summary>
    public static readonly ErrorCode RunnerSpawnNotSubset = Define("REACH-4013", ErrorKind.Input, "A child session can only narrow its parent", "Ask only for tools the parent session declares, and budgets no larger than the parent's.");

    /// <summary>The request carries no valid token where one is required.</summary>
    public static readonly ErrorCode RunnerUnauthorized = Define("REACH-4014", ErrorKind.Input, "A valid token is required", "Send Authorization: Bearer <token> with a token from 'reach token create' that has not been revoked.");

    /// <summary>The token belongs to another tenant than the request names.</summary>
    public static readonly ErrorCode RunnerTenantForbidden = Define("REACH-4015", ErrorKind.Input, "The token does not belong to that tenant", "Leave X-Tenant-ID out (the token's tenant is used) or use a token of the tenant you name.");

    /// <summary>The request body is larger than the runner accepts.</summary>
    public static readonly ErrorCode RunnerRequestTooLarge = Define("REACH-4016", ErrorKind.Input, "The request body is too large", "Send a smaller body, or raise max_request_bytes in config.json.");

    /// <summary>The token (or address) sent more requests than its rate limit allows.</summary>
    public static readonly ErrorCode RunnerRateLimited = Define("REACH-4017", ErrorKind.Input, "Too many requests", "Wait the seconds the Retry-After header gives, then retry; raise rate_limit_per_second in config.json if the load is expected.");

    /// <summary>No token with that id.</summary>
    public static readonly ErrorCode RunnerTokenNotFound = Define("REACH-4018", ErrorKind.Input, "No such token", "List the tokens with 'reach token list' and revoke one by its id.");

    /// <summary>The single sign-on settings cannot be used.</summary>
    public static readonly ErrorCode RunnerSsoInvalid = Define("REACH-4019", ErrorKind.Input, "The SSO settings are invalid", "Write REACH_HOME/sso.json with issuer, audience, tenant_claim and signing_keys (a JWKS file); see docs/CONFIG.md.");

    /// <summary>A recorded session cannot be taken up again.</summary>
    public static readonly ErrorCode SessionNotResumable = Define("REACH-4020", ErrorKind.Negative, "The session cannot be resumed", "Its transcript is sealed, does not verify, or its pack, inputs or policy changed since it started; open a new session.");

    /// <summary>No endpoint has that method and path.</summary>
    public static readonly ErrorCode RunnerNoSuchEndpoint = Define("REACH-4021", ErrorKind.Input, "No such endpoint", "Check the method and path against GET /openapi/v1.json or /docs.");

    /// <summary>A client address failed to authenticate too often in the last minute.</summary>
    public static readonly ErrorCode RunnerAuthFailuresLimited = Define("REACH-4022", ErrorKind.Input, "Too many failed authentications from this address", "Wait the seconds the Retry-After header gives, then send a valid token; raise auth_failures_per_minute in config.json if many clients share one address.");

    /// <summary>A client gave a path (or anything but a name) where the runner takes a pack or policy name.</summary>
    public static readonly ErrorCode RunnerPathRefused = Define("REACH-4030", ErrorKind.Input, "Packs and policies are named, never given as a server path", "Name an installed pack (NAME or NAME@VERSION, GET /v1/packs) or one in the runner's pack directories, and a policy by NAME from its policy directories or inline as a bundle object.");

    /// <summary>A configured pack or policy directory lies in the tenants' data.</summary>
    public static readonly ErrorCode RunnerSourceDirectoryUnsafe = Define("REACH-4031", ErrorKind.Input, "A pack or policy directory is inside REACH_HOME's tenant data", "Configure pack_directories and policy_directories (--pack-dir, --policy-dir) outside REACH_HOME/tenants and REACH_HOME/workspaces: a workspace must never become a pack source.");

    /// <summary>An inline pack declared a built-in tool.</summary>
    public static readonly ErrorCode RunnerInlinePackBuiltIn = Define("REACH-4032", ErrorKind.Input, "An inline pack may only declare tools the client runs", "Install the pack (POST /v1/packs/install) or ask the operator to put it in a pack directory; an inline pack's tools must all be run by the client.");

    /// <summary>A spawn asks for more budget than the parent session has left (its open children's reservations count as used).</summary>
    public static readonly ErrorCode SpawnBudgetExhausted = Define("REACH-4040", ErrorKind.Negative, "The parent's remaining budget cannot cover the child", "Ask for a smaller child budget, close children to get back what they did not use, or raise the pack's budgets.");
}
