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
        group.MapPost("/", Open).WithName("openSession").WithMetadata(new RequestBody(typeof(OpenSessionRequest), "pack")).Produces<SessionBody>(StatusCodes.Status201Created);
        group.MapGet("/", List).WithName("listSessions").Produces<SessionPage>();
        group.MapGet("/{id}", Get).WithName("getSession").Produces<SessionBody>();
        group.MapPost("/{id}/tool-calls", ToolCall).WithName("callTool").WithMetadata(new RequestBody(typeof(ToolCallBody), "tool")).Produces<CallResponse>();
        group.MapPost("/{id}/decide", Decide).WithName("decideToolCall").WithMetadata(new RequestBody(typeof(DecideBody), "tool")).Produces<DecideResponse>();
        group.MapPost("/{id}/spawn", Spawn).WithName("spawnSession").WithMetadata(new RequestBody(typeof(SpawnBody))).Produces<SessionBody>(StatusCodes.Status201Created);
        group.MapPost("/{id}/close", Close).WithName("closeSession").Produces<ClosedBody>();
        group.MapGet("/{id}/transcript", Transcript).WithName("getSessionTranscript").Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson");
        group.MapGet("/{id}/events", Events).WithName("getSessionEvents").Produces(StatusCodes.Status200OK, contentType: "application/json");
        return routes;
    }

    private static async Task<IResult> Open(HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var (body, _) = await ApiRequests.ReadObjectAsync(request).ConfigureAwait(false);
        var setup = sessions.Prepare(tenant, PackSources.Member(body, "pack"), ApiRequests.OptionalObject(body, "inputs"), PackSources.Member(body, "policy"), PolicyMode(body));
        var session = await sessions.OpenAsync(tenant, setup).ConfigureAwait(false);
        return Results.Json(Describe(session), RunnerHost.Json, statusCode: StatusCodes.Status201Created);
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
        return Results.Json(new SessionPage([.. page.Select(s => SessionBody.From(s))], page.Count == limit ? page[^1].Id : null), RunnerHost.Json);
    }

    private static async Task<IResult> Get(string id, HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var stored = await sessions.FindStoredAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.Json(SessionBody.From(stored, sessions.OpenTools(tenant, id)), RunnerHost.Json);
    }

    private static async Task<IResult> ToolCall(string id, HttpRequest request, HttpResponse response, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var session = await sessions.GetAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var (body, bytes) = await ApiRequests.ReadObjectAsync(request).ConfigureAwait(false);
        var idempotency = ApiRequests.IdempotencyOf(request, bytes);
        var (tool, input, step) = CallOf(body);
        ToolOutcome? supplied = null;
        if (body.TryGetProperty("result", out var result) && result.ValueKind != JsonValueKind.Null)
        {
            // The session's registry decides, not the built-in one: it is the registry the session executes with.
            if (session.Setup.Tools.Find(tool) is { Deterministic: true })
            {
                throw new ReachException(ErrorCatalog.RunnerResultNotAccepted, $"'{tool}' is deterministic: the runner executes it and records its output; send the call without result.");
            }

            supplied = Supplied(result);
        }

        var execute = !body.TryGetProperty("execute", out var executeValue) || executeValue.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.Null => true,
            JsonValueKind.False => false,
            _ => throw ApiRequests.Invalid("execute", "true or false"),
        };
        if (!execute && supplied is not null)
        {
            throw ApiRequests.Invalid("execute", "left out (or true) when the call carries a result");
        }

        var refusal = Refused(body);
        if (refusal is not null && supplied is not null)
        {
            throw ApiRequests.Invalid("refused", "left out when the call carries a result: a refused call never ran");
        }

        var (answer, replayed) = await session.CallAsync(tool, input, step, supplied, idempotency, execute, refusal, outcome => JsonSerializer.SerializeToUtf8Bytes(Describe(outcome), RunnerHost.Json)).ConfigureAwait(false);
        if (replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }

        return Results.Bytes(answer, "application/json");
    }

    private static async Task<IResult> Decide(string id, HttpRequest request, SessionRegistry sessions)
    {
        var session = await sessions.GetAsync(Tenants.Of(request), id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var (body, _) = await ApiRequests.ReadObjectAsync(request).ConfigureAwait(false);
        var (tool, input, step) = CallOf(body);
        var check = await session.DecideAsync(tool, input, step).ConfigureAwait(false);
        var decision = check.Policy.Effect == GateEffect.Deny
            ? new DecisionBody(false, "deny", (check.Policy.Code ?? ErrorCatalog.PolicyGateFailed).Code, check.Policy.Reason, check.Policy.Rules, "policy")
            : check.Budget is { Effect: GateEffect.Deny } budget
                ? new DecisionBody(false, "deny", (budget.Code ?? ErrorCatalog.BudgetGateFailed).Code, budget.Reason, budget.Limit is null ? [] : [budget.Limit], "budget")
                : new DecisionBody(true, "permit", null, check.Policy.Reason, check.Policy.Rules, null);
        return Results.Json(new DecideResponse(decision), RunnerHost.Json);
    }

    private static async Task<IResult> Spawn(string id, HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var (body, _) = await ApiRequests.ReadObjectAsync(request).ConfigureAwait(false);
        List<string>? tools = null;
        if (body.TryGetProperty("tools", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            tools = given.ValueKind == JsonValueKind.Array && given.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String)
                ? [.. given.EnumerateArray().Select(t => t.GetString()!).Distinct(StringComparer.Ordinal)]
                : throw ApiRequests.Invalid("tools", "an array of tool names");
        }

        var child = await sessions.SpawnAsync(tenant, id, tools, ApiRequests.OptionalBudgets(body, "budget"), request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.Json(Describe(child), RunnerHost.Json, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Close(string id, HttpRequest request, SessionRegistry sessions)
    {
        var result = await sessions.CloseAsync(Tenants.Of(request), id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.Json(new ClosedBody(id, RunSession.StatusText(result.Status), result.Fingerprint.ToString(), result.Events), RunnerHost.Json);
    }

    private static async Task<IResult> Transcript(string id, HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        await sessions.FindStoredAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);

        // The bytes the writer produced, from the store; an open session's transcript is the lines committed so far, unsealed.
        var bytes = await sessions.Store.ReadTranscriptAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false)
            ?? throw new ReachException(ErrorCatalog.RunnerSessionNotFound, $"No session '{id}' for tenant '{tenant}'.");
        return Results.Bytes(bytes, "application/x-ndjson", id + ".jsonl");
    }

    private static Task<IResult> Events(string id, HttpContext context, SessionRegistry sessions, CommitSignal signal) =>
        EventStreams.AnswerAsync(context, sessions.Store, signal, Tenants.Of(context.Request), id, StoredSession.SessionKind, "session_id", ErrorCatalog.RunnerSessionNotFound);

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

    private static string? PolicyMode(JsonElement body) =>
        ApiRequests.OptionalString(body, "policy_mode") is { } mode
            ? mode is "enforce" or "warn" ? mode : throw ApiRequests.Invalid("policy_mode", "enforce or warn")
            : null;

    private static (string Tool, JsonElement Input, string? Step) CallOf(JsonElement body)
    {
        var tool = ApiRequests.RequiredString(body, "tool");
        var input = body.TryGetProperty("input", out var given) ? given : ApiRequests.EmptyObject;
        string? step = null;
        if (body.TryGetProperty("step", out var stepValue) && stepValue.ValueKind != JsonValueKind.Null)
        {
            step = stepValue.ValueKind == JsonValueKind.String ? stepValue.GetString() : throw ApiRequests.Invalid("step", "a string");
        }

        return (tool, input, step);
    }

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
    private static PolicyDecision? Refused(JsonElement body)
    {
        if (!body.TryGetProperty("refused", out var refused) || refused.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var code = refused.ValueKind == JsonValueKind.Object && refused.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? PinRefusals.Find(c.GetString()) : null;
        if (code is null)
        {
            throw ApiRequests.Invalid("refused.code", "one of " + string.Join(", ", PinRefusals.Codes.Select(e => e.Code)) + " (an MCP gateway's pin refusal)");
        }

        var reason = refused.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() is { Length: > 0 } text ? text : throw ApiRequests.Invalid("refused.reason", "a non-empty string");
        return PinRefusals.Deny(code, reason);
    }

    private static ToolOutcome Supplied(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw ApiRequests.Invalid("result", "an object with output or error");
        }

        if (result.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            if (error.ValueKind != JsonValueKind.Object)
            {
                throw ApiRequests.Invalid("result.error", "an object {code, message}");
            }

            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : throw ApiRequests.Invalid("result.error.message", "a string");
            var code = error.TryGetProperty("code", out var c) && c.ValueKind != JsonValueKind.Null
                ? c.ValueKind == JsonValueKind.String && c.GetString() is { } text && IsClientCode(text) ? text : throw ApiRequests.Invalid("result.error.code", "1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit, or a code in Reach's catalogue (docs/ERROR_CODES.md)")
                : null;

            // The client's own code is recorded as given; a REACH code (the SDKs forward one a tool threw) only when it is in
            // the catalogue, so no invented REACH-… code enters a transcript. Without one the call is recorded as REACH-2220.
            var recorded = code is null ? ErrorCatalog.ToolFailed : ErrorCatalog.All.FirstOrDefault(e => e.Code == code) ?? new ErrorCode(code, ErrorKind.Negative, "Reported by the client", "Read the client's message.");
            return ToolOutcome.Failure(recorded, message);
        }

        return result.TryGetProperty("output", out var output) ? ToolOutcome.Success(output) : throw ApiRequests.Invalid("result.output", "present (or result.error)");
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
