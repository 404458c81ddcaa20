using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Tools;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary><c>/v1/sessions</c>: open a session on a pack, send it tool calls, close it, read its events and transcript.</summary>
internal static class SessionsApi
{
    /// <summary>The events page size when <c>limit</c> is not given, and the largest allowed.</summary>
    public const int DefaultEventsLimit = 100;

    /// <summary>The largest <c>limit</c> an events page accepts.</summary>
    public const int MaxEventsLimit = 1000;

    private static readonly JsonElement EmptyObject = JsonSerializer.Deserialize<JsonElement>("{}");

    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/sessions");
        group.MapPost("/", Open);
        group.MapPost("/{id}/tool-calls", ToolCall);
        group.MapPost("/{id}/close", Close);
        group.MapGet("/{id}/transcript", Transcript);
        group.MapGet("/{id}/events", Events);
        return routes;
    }

    private static async Task<IResult> Open(HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var body = await ReadObject(request).ConfigureAwait(false);
        var pack = RequiredString(body, "pack");
        JsonElement? inputs = body.TryGetProperty("inputs", out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
        var session = sessions.Open(tenant, pack, inputs);
        return Results.Json(
            new
            {
                session_id = session.Id,
                tenant,
                pack = new { name = session.Pack.Manifest.Name, version = session.Pack.Manifest.Version, digest = session.Pack.Digest.ToString() },
                tools = session.Pack.Manifest.Tools.Select(t => t.Name).ToArray(),
            },
            RunnerHost.Json,
            statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ToolCall(string id, HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var session = await sessions.GetAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var body = await ReadObject(request).ConfigureAwait(false);
        var tool = RequiredString(body, "tool");
        var input = body.TryGetProperty("input", out var given) ? given : EmptyObject;
        string? step = null;
        if (body.TryGetProperty("step", out var stepValue) && stepValue.ValueKind != JsonValueKind.Null)
        {
            step = stepValue.ValueKind == JsonValueKind.String ? stepValue.GetString() : throw Invalid("step", "a string");
        }

        ToolOutcome? supplied = null;
        if (body.TryGetProperty("result", out var result) && result.ValueKind != JsonValueKind.Null)
        {
            if (ToolRegistry.BuiltIn.Find(tool) is { Deterministic: true })
            {
                throw new ReachException(ErrorCatalog.RunnerResultNotAccepted, $"'{tool}' is deterministic: the runner executes it and records its output; send the call without result.");
            }

            supplied = Supplied(result);
        }

        var outcome = session.Call(tool, input, step, supplied);
        return Results.Json(Describe(outcome), RunnerHost.Json);
    }

    private static async Task<IResult> Close(string id, HttpRequest request, SessionRegistry sessions)
    {
        var result = await sessions.CloseAsync(Tenants.Of(request), id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.Json(
            new { session_id = id, status = RunSession.StatusText(result.Status), fingerprint = result.Fingerprint.ToString(), events = result.Events },
            RunnerHost.Json);
    }

    private static async Task<IResult> Transcript(string id, HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);

        // The bytes the writer produced, from the store; an open session's transcript is the lines committed so far, unsealed.
        var bytes = await sessions.Store.ReadTranscriptAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false)
            ?? throw new ReachException(ErrorCatalog.RunnerSessionNotFound, $"No session '{id}' for tenant '{tenant}'.");
        return Results.Bytes(bytes, "application/x-ndjson", id + ".jsonl");
    }

    private static async Task<IResult> Events(string id, HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var after = QueryInteger(request, "after", -1, -1, long.MaxValue);
        var limit = (int)QueryInteger(request, "limit", DefaultEventsLimit, 1, MaxEventsLimit);
        var events = await sessions.Store.ReadEventsAsync(tenant, id, after, limit, request.HttpContext.RequestAborted).ConfigureAwait(false)
            ?? throw new ReachException(ErrorCatalog.RunnerSessionNotFound, $"No session '{id}' for tenant '{tenant}'.");

        // Each event is embedded as the canonical object the writer produced (its line without the newline).
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("session_id", id);
            writer.WriteStartArray("events");
            foreach (var stored in events)
            {
                writer.WriteRawValue(stored.Line.AsSpan(0, stored.Line.Length - 1), skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (events.Count == limit)
            {
                writer.WriteNumber("next_after", events[^1].Seq);
            }
            else
            {
                writer.WriteNull("next_after");
            }

            writer.WriteEndObject();
        }

        return Results.Bytes(body.ToArray(), "application/json");
    }

    private static long QueryInteger(HttpRequest request, string name, long fallback, long min, long max)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ReachException(ErrorCatalog.RunnerRequestInvalid, $"The query parameter '{name}' must be an integer from {min} to {max}.") { Details = new Dictionary<string, object?>(StringComparer.Ordinal) { ["field"] = name } };
    }

    private static CallResponse Describe(CallOutcome outcome)
    {
        var allowed = outcome.Gate is null;
        var decision = allowed
            ? new Decision(true, "permit", null, outcome.Policy?.Reason, outcome.Policy?.Rules ?? [], null)
            : new Decision(false, "deny", outcome.Code?.Code, outcome.Reason, outcome.Rules, outcome.Gate);
        return new CallResponse(
            decision,
            RunSession.StatusText(outcome.Status),
            outcome.Status == RunStatus.Succeeded ? outcome.Output : null,
            allowed && outcome.Status != RunStatus.Succeeded ? new CallError(outcome.Code?.Code, outcome.Reason) : null,
            outcome.Seq,
            outcome.Hash.ToString());
    }

    private static ToolOutcome Supplied(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("result", "an object with output or error");
        }

        if (result.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            if (error.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("result.error", "an object {code, message}");
            }

            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : throw Invalid("result.error.message", "a string");
            var code = error.TryGetProperty("code", out var c) && c.ValueKind != JsonValueKind.Null
                ? c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 and <= 64 } text ? text : throw Invalid("result.error.code", "a string of 1 to 64 characters")
                : null;

            // The client's own code is recorded as given; without one the call is recorded as REACH-2220 (a tool failed).
            var recorded = code is null ? ErrorCatalog.ToolFailed : ErrorCatalog.All.FirstOrDefault(e => e.Code == code) ?? new ErrorCode(code, ErrorKind.Negative, "Reported by the client", "Read the client's message.");
            return ToolOutcome.Failure(recorded, message);
        }

        return result.TryGetProperty("output", out var output) ? ToolOutcome.Success(output) : throw Invalid("result.output", "present (or result.error)");
    }

    private static async Task<JsonElement> ReadObject(HttpRequest request)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new ReachException(ErrorCatalog.RunnerRequestInvalid, $"The request body is not valid JSON: {ex.Message}");
        }

        return body.ValueKind == JsonValueKind.Object ? body : throw new ReachException(ErrorCatalog.RunnerRequestInvalid, "The request body is not a JSON object.");
    }

    private static string RequiredString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid(name, "a non-empty string");

    private static ReachException Invalid(string field, string expected) =>
        new(ErrorCatalog.RunnerRequestInvalid, $"The field '{field}' must be {expected}.") { Details = new Dictionary<string, object?>(StringComparer.Ordinal) { ["field"] = field } };

    private sealed record Decision(bool Allowed, string Effect, string? Code, string? Reason, IReadOnlyList<string> Rules, string? Gate);

    private sealed record CallError(string? Code, string? Message);

    private sealed record CallResponse(Decision Decision, string Status, JsonElement? Output, CallError? Error, long Seq, string Hash);
}
