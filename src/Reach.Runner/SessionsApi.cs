using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Tools;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary><c>/v1/sessions</c>: open a session on a pack and a policy, send it tool calls, spawn children, close it, read its events and transcript.</summary>
internal static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/sessions").WithTags("sessions");
        group.MapPost("/", Open).WithName("openSession").WithMetadata(new RequestBody(typeof(OpenSessionRequest))).Produces<SessionBody>(StatusCodes.Status201Created);
        group.MapGet("/", List).WithName("listSessions").Produces<SessionPage>();
        group.MapGet("/{id}", Get).WithName("getSession").Produces<SessionBody>();
        group.MapPost("/{id}/tool-calls", ToolCall).WithName("callTool").WithMetadata(new RequestBody(typeof(ToolCallBody))).Produces<CallResponse>();
        group.MapPost("/{id}/decide", Decide).WithName("decideToolCall").WithMetadata(new RequestBody(typeof(DecideBody))).Produces<DecideResponse>();
        group.MapPost("/{id}/spawn", Spawn).WithName("spawnSession").WithMetadata(new RequestBody(typeof(SpawnBody))).Produces<SessionBody>(StatusCodes.Status201Created);
        group.MapPost("/{id}/close", Close).WithName("closeSession").Produces<ClosedBody>();
        group.MapGet("/{id}/transcript", Transcript).WithName("getSessionTranscript").Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson");
        group.MapGet("/{id}/events", Events).WithName("getSessionEvents").Produces(StatusCodes.Status200OK, contentType: "application/json");
        return routes;
    }

    /// <summary>The log category of session open, close and denials.</summary>
    public const string LogCategory = "Reach.Runner.Sessions";

    private static async Task<IResult> Open(HttpRequest request, SessionRegistry sessions, ILoggerFactory loggers)
    {
        var tenant = Tenants.Of(request);
        var (body, _) = await ApiRequests.ReadAsync(request, RunnerJsonContext.Api.OpenSessionRequest).ConfigureAwait(false);
        var setup = sessions.Prepare(tenant, Given(body.Pack), ApiRequests.ObjectOrNone(body.Inputs, "inputs"), Given(body.Policy), PolicyMode(body.PolicyMode));
        var session = await sessions.OpenAsync(tenant, setup).ConfigureAwait(false);
        LogOpened(loggers, session);
        return TypedResults.Json(Describe(session), RunnerJsonContext.Api.SessionBody, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> List(HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var limit = (int)ApiRequests.QueryInteger(request, "limit", ApiRequests.DefaultLimit, 1, ApiRequests.MaxLimit);
        var status = ApiRequests.QueryString(request, "status");
        if (status is not (null or StoredSession.Open or "succeeded" or "failed" or "denied"))
        {
            throw new ReachException(ErrorCatalog.RunnerRequestInvalid, "The query parameter 'status' must be open, succeeded, failed or denied.") { Details = ApiRequests.Field("status") };
        }

        var filter = new SessionFilter(StoredSession.SessionKind, status, ApiRequests.QueryString(request, "pack"));
        var page = await sessions.Store.ListSessionsAsync(tenant, ApiRequests.QueryString(request, "after"), limit, request.HttpContext.RequestAborted, filter).ConfigureAwait(false);
        return TypedResults.Json(new SessionPage([.. page.Select(s => SessionBody.From(s))], page.Count == limit ? page[^1].Id : null), RunnerJsonContext.Api.SessionPage);
    }

    private static async Task<IResult> Get(string id, HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var stored = await sessions.FindStoredAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(SessionBody.From(stored, sessions.OpenTools(tenant, id)), RunnerJsonContext.Api.SessionBody);
    }

    private static async Task<IResult> ToolCall(string id, HttpRequest request, HttpResponse response, SessionRegistry sessions, ILoggerFactory loggers)
    {
        var tenant = Tenants.Of(request);
        var session = await sessions.GetAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var (body, bytes) = await ApiRequests.ReadAsync(request, RunnerJsonContext.Api.ToolCallBody).ConfigureAwait(false);
        var idempotency = ApiRequests.IdempotencyOf(request, bytes);
        var (tool, input, step) = CallOf(body.Tool, body.Input, body.Step);
        ToolOutcome? supplied = null;
        if (body.Result is { } result)
        {
            // The session's registry decides, not the built-in one: it is the registry the session executes with.
            if (session.Setup.Tools.Find(tool) is { Deterministic: true })
            {
                throw new ReachException(ErrorCatalog.RunnerResultNotAccepted, $"'{tool}' is deterministic: the runner executes it and records its output; send the call without result.");
            }

            supplied = Supplied(result);
        }

        var execute = body.Execute ?? true;
        if (!execute && supplied is not null)
        {
            throw ApiRequests.Invalid("execute", "left out (or true) when the call carries a result");
        }

        var refusal = Refused(body.Refused);
        if (refusal is not null && supplied is not null)
        {
            throw ApiRequests.Invalid("refused", "left out when the call carries a result: a refused call never ran");
        }

        var logger = loggers.CreateLogger(LogCategory);
        var (answer, replayed) = await session.CallAsync(tool, input, step, supplied, idempotency, execute, refusal, outcome =>
        {
            // Once per recorded decision: a replayed answer (the same Idempotency-Key) was logged when it was made.
            if (outcome.Gate is { } gate)
            {
                var code = outcome.Code is { } denial ? denial.Code : "none";
                RunnerLog.CallDenied(logger, session.Id, session.Tenant, tool, gate, code);
            }

            return JsonSerializer.SerializeToUtf8Bytes(Describe(outcome), RunnerJsonContext.Api.CallResponse);
        }).ConfigureAwait(false);
        if (replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Bytes(answer, "application/json");
    }

    private static async Task<IResult> Decide(string id, HttpRequest request, SessionRegistry sessions)
    {
        var session = await sessions.GetAsync(Tenants.Of(request), id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var (body, _) = await ApiRequests.ReadAsync(request, RunnerJsonContext.Api.DecideBody).ConfigureAwait(false);
        var (tool, input, step) = CallOf(body.Tool, body.Input, body.Step);
        var check = await session.DecideAsync(tool, input, step).ConfigureAwait(false);
        var decision = check.Policy.Effect == GateEffect.Deny
            ? new DecisionBody(false, "deny", (check.Policy.Code ?? ErrorCatalog.PolicyGateFailed).Code, check.Policy.Reason, check.Policy.Rules, "policy")
            : check.Budget is { Effect: GateEffect.Deny } budget
                ? new DecisionBody(false, "deny", (budget.Code ?? ErrorCatalog.BudgetGateFailed).Code, budget.Reason, budget.Limit is null ? [] : [budget.Limit], "budget")
                : new DecisionBody(true, "permit", null, check.Policy.Reason, check.Policy.Rules, null);
        return TypedResults.Json(new DecideResponse(decision), RunnerJsonContext.Api.DecideResponse);
    }

    private static async Task<IResult> Spawn(string id, HttpRequest request, SessionRegistry sessions, ILoggerFactory loggers)
    {
        var tenant = Tenants.Of(request);
        var (body, _) = await ApiRequests.ReadAsync(request, RunnerJsonContext.Api.SpawnBody).ConfigureAwait(false);
        List<string>? tools = body.Tools is { } given ? [.. given.Distinct(StringComparer.Ordinal)] : null;
        var child = await sessions.SpawnAsync(tenant, id, tools, ApiRequests.BudgetsOf(body.Budget, "budget"), request.HttpContext.RequestAborted).ConfigureAwait(false);
        LogOpened(loggers, child);
        return TypedResults.Json(Describe(child), RunnerJsonContext.Api.SessionBody, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Close(string id, HttpRequest request, SessionRegistry sessions, ILoggerFactory loggers)
    {
        var tenant = Tenants.Of(request);
        var result = await sessions.CloseAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var (status, fingerprint) = (RunSession.StatusText(result.Status), result.Fingerprint.ToString());
        var logger = loggers.CreateLogger(LogCategory);
        RunnerLog.SessionClosed(logger, id, tenant, status, result.Events, fingerprint);
        return TypedResults.Json(new ClosedBody(id, status, fingerprint, result.Events), RunnerJsonContext.Api.ClosedBody);
    }

    private static async Task<IResult> Transcript(string id, HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        await sessions.FindStoredAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);

        // The bytes the writer produced, from the store; an open session's transcript is the lines committed so far, unsealed.
        var bytes = await sessions.Store.ReadTranscriptAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false)
            ?? throw new ReachException(ErrorCatalog.RunnerSessionNotFound, $"No session '{id}' for tenant '{tenant}'.");
        return TypedResults.Bytes(bytes, "application/x-ndjson", id + ".jsonl");
    }

    private static Task<IResult> Events(string id, HttpContext context, SessionRegistry sessions, CommitSignal signal) =>
        EventStreams.AnswerAsync(context, sessions.Store, signal, Tenants.Of(context.Request), id, StoredSession.SessionKind, "session_id", ErrorCatalog.RunnerSessionNotFound);

    private static void LogOpened(ILoggerFactory loggers, RunnerSession session)
    {
        var logger = loggers.CreateLogger(LogCategory);
        if (logger.IsEnabled(LogLevel.Information))
        {
            RunnerLog.SessionOpened(logger, session.Id, session.Tenant, session.Pack.Manifest.Name, session.Pack.Manifest.Version);
        }
    }

    private static SessionBody Describe(RunnerSession session) => new(
        session.Id,
        session.Tenant,
        StoredSession.Open,
        new PackRef(session.Pack.Manifest.Name, session.Pack.Manifest.Version, session.Pack.Digest.ToString()),
        [.. session.Pack.Manifest.Tools.Select(t => t.Name)],
        session.Setup.PolicyName,
        session.Setup.ParentId,
        session.Setup.Depth,
        SessionBody.Time(session.Created),
        null,
        null,
        session.Events);

    // A pack or policy member: null (or absent) is not given.
    private static JsonElement? Given(JsonElement? value) => value is { ValueKind: not JsonValueKind.Null } given ? given : null;

    private static string? PolicyMode(string? given) =>
        ApiRequests.NonEmptyOrNone(given, "policy_mode") is { } mode
            ? mode is "enforce" or "warn" ? mode : throw ApiRequests.Invalid("policy_mode", "enforce or warn")
            : null;

    // An input left out is the empty object; one given (null included) is recorded as given.
    private static (string Tool, JsonElement Input, string? Step) CallOf(string? tool, JsonElement input, string? step) =>
        (ApiRequests.NonEmpty(tool, "tool"), input.ValueKind == JsonValueKind.Undefined ? ApiRequests.EmptyObject : input, step);

    private static CallResponse Describe(CallOutcome outcome)
    {
        var allowed = outcome.Gate is null;
        var decision = allowed
            ? new DecisionBody(true, "permit", null, outcome.Policy?.Reason, outcome.Policy?.Rules ?? [], null)
            : new DecisionBody(false, "deny", outcome.Code?.Code, outcome.Reason, outcome.Rules, outcome.Gate);
        return new CallResponse(
            decision,
            RunSession.StatusText(outcome.Status),
            outcome.Status == RunStatus.Succeeded ? outcome.Output : null,
            allowed && outcome.Status != RunStatus.Succeeded ? new CallError(outcome.Code?.Code, outcome.Reason) : null,
            outcome.Seq,
            outcome.Hash.ToString());
    }

    // An MCP gateway's pin refusal, recorded as the pipeline's pin gate denial: only a pin refusal's code, rule reach.mcp.pinned.
    private static PolicyDecision? Refused(RefusedBody? refused)
    {
        if (refused is null)
        {
            return null;
        }

        var code = PinRefusals.Find(refused.Code)
            ?? throw ApiRequests.Invalid("refused.code", "one of " + string.Join(", ", PinRefusals.Codes.Select(e => e.Code)) + " (an MCP gateway's pin refusal)");
        var reason = refused.Reason is { Length: > 0 } text ? text : throw ApiRequests.Invalid("refused.reason", "a non-empty string");
        return PinRefusals.Deny(code, reason);
    }

    private static ToolOutcome Supplied(ToolResultBody result)
    {
        if (result.Error is { } error)
        {
            var message = error.Message ?? throw ApiRequests.Invalid("result.error.message", "a string");
            var code = error.Code is { } text
                ? IsClientCode(text) ? text : throw ApiRequests.Invalid("result.error.code", "1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit, or a code in Reach's catalogue (docs/ERROR_CODES.md)")
                : null;

            // The client's own code is recorded as given; a REACH code (the SDKs forward one a tool threw) only when it is in
            // the catalogue, so no invented REACH-… code enters a transcript. Without one the call is recorded as REACH-2220.
            var recorded = code is null ? ErrorCatalog.ToolFailed : ErrorCatalog.All.FirstOrDefault(e => e.Code == code) ?? new ErrorCode(code, ErrorKind.Negative, "Reported by the client", "Read the client's message.");
            return ToolOutcome.Failure(recorded, message);
        }

        // An output given, null included, is the output; left out, the result says nothing.
        return result.Output.ValueKind != JsonValueKind.Undefined ? ToolOutcome.Success(result.Output) : throw ApiRequests.Invalid("result.output", "present (or result.error)");
    }

    // A code of the client's own alphabet: ASCII letters, digits and . _ : - (a letter or digit first), 64 at most; in
    // Reach's REACH- namespace (in any case) only a code the catalogue defines.
    private static bool IsClientCode(string code)
    {
        if (code.Length is 0 or > 64 || !char.IsAsciiLetterOrDigit(code[0]))
        {
            return false;
        }

        if (code.StartsWith("REACH-", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorCatalog.All.Any(e => e.Code == code);
        }

        foreach (var ch in code)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch is not ('.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
