using Reach.Core.Errors;
using Reach.Core.Replay;
using Reach.Core.Transcripts;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary><c>/v1/runs</c>: start a pack run, list and read runs, stream their events, verify, replay and download their transcripts.</summary>
internal static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/runs").WithTags("runs");
        group.MapPost("/", Start).WithName("startRun").WithMetadata(new RequestBody(typeof(StartRunBody))).Produces<RunBody>(StatusCodes.Status202Accepted);
        group.MapGet("/", List).WithName("listRuns").Produces<RunPage>();
        group.MapGet("/{id}", Get).WithName("getRun").Produces<RunBody>();
        group.MapGet("/{id}/events", Events).WithName("getRunEvents").Produces(StatusCodes.Status200OK, contentType: "application/json").Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        group.MapPost("/{id}/verify", Verify).WithName("verifyRun").Produces<VerifyBody>();
        group.MapPost("/{id}/replay", Replay).WithName("replayRun").Produces<ReplayBody>();
        group.MapGet("/{id}/transcript", Transcript).WithName("getRunTranscript").Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson");
        return routes;
    }

    private static async Task<IResult> Start(HttpRequest request, SessionRegistry sessions, RunRegistry runs)
    {
        var tenant = Tenants.Of(request);
        var (body, _) = await ApiRequests.ReadAsync(request, RunnerJsonContext.Api.StartRunBody).ConfigureAwait(false);
        var setup = sessions.Prepare(tenant, Given(body.Pack), ApiRequests.ObjectOrNone(body.Inputs, "inputs"), Given(body.Policy), null);
        var id = await runs.StartAsync(tenant, setup).ConfigureAwait(false);
        var stored = await runs.FindAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(RunBody.From(stored), RunnerJsonContext.Api.RunBody, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> List(HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var limit = (int)ApiRequests.QueryInteger(request, "limit", ApiRequests.DefaultLimit, 1, ApiRequests.MaxLimit);
        var status = ApiRequests.QueryString(request, "status");
        if (status is not (null or "running" or "succeeded" or "failed" or "denied"))
        {
            throw new ReachException(ErrorCatalog.RunnerRequestInvalid, "The query parameter 'status' must be running, succeeded, failed or denied.") { Details = ApiRequests.Field("status") };
        }

        var filter = new SessionFilter(StoredSession.RunKind, status == "running" ? StoredSession.Open : status, ApiRequests.QueryString(request, "pack"));
        var page = await sessions.Store.ListSessionsAsync(tenant, ApiRequests.QueryString(request, "after"), limit, request.HttpContext.RequestAborted, filter).ConfigureAwait(false);
        return TypedResults.Json(new RunPage([.. page.Select(RunBody.From)], page.Count == limit ? page[^1].Id : null), RunnerJsonContext.Api.RunPage);
    }

    private static async Task<IResult> Get(string id, HttpRequest request, RunRegistry runs) =>
        TypedResults.Json(RunBody.From(await runs.FindAsync(Tenants.Of(request), id, request.HttpContext.RequestAborted).ConfigureAwait(false)), RunnerJsonContext.Api.RunBody);

    private static Task<IResult> Events(string id, HttpContext context, SessionRegistry sessions, CommitSignal signal) =>
        EventStreams.AnswerAsync(context, sessions.Store, signal, Tenants.Of(context.Request), id, StoredSession.RunKind, "run_id", ErrorCatalog.RunnerRunNotFound);

    private static async Task<IResult> Verify(string id, HttpRequest request, SessionRegistry sessions, RunRegistry runs)
    {
        var bytes = await TranscriptOf(id, request, sessions, runs).ConfigureAwait(false);
        using var stream = new MemoryStream(bytes, writable: false);
        var report = TranscriptVerifier.Verify(stream);
        var failure = report.Failure;
        return TypedResults.Json(
            new VerifyBody(report.Ok, report.Events, report.Ok || report.ChainIntact ? report.Fingerprint.ToString() : null, report.Sealed, failure?.Error.Code, failure?.Message, failure?.Line),
            RunnerJsonContext.Api.VerifyBody);
    }

    private static async Task<IResult> Replay(string id, HttpRequest request, SessionRegistry sessions, RunRegistry runs)
    {
        var tenant = Tenants.Of(request);
        var run = await runs.FindAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (run.Status == StoredSession.Open)
        {
            throw new ReachException(ErrorCatalog.RunnerSessionClosed, $"The run '{id}' is still running; replay it once it has finished.");
        }

        var bytes = await TranscriptOf(id, request, sessions, runs).ConfigureAwait(false);

        // The same pack directory and policy bundle the run used, as the runner's files are now: a changed pack or
        // policy shows up as the first divergence.
        var setup = sessions.PrepareRecorded(tenant, run.PackDirectory, null, run.Policy);
        var report = await Replayer.ReplayAsync(bytes, setup.Pack, setup.Policy, setup.Tools, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var divergence = report.Divergence is { } d ? new DivergenceBody(d.Kind.ToString(), d.Seq, d.Recorded, d.Replayed, d.LikelyCause) : null;
        return TypedResults.Json(new ReplayBody(report.Ok, report.Ok, report.Events, report.RecordedFingerprint.ToString(), report.Fingerprint.ToString(), divergence), RunnerJsonContext.Api.ReplayBody);
    }

    private static async Task<IResult> Transcript(string id, HttpRequest request, SessionRegistry sessions, RunRegistry runs) =>
        TypedResults.Bytes(await TranscriptOf(id, request, sessions, runs).ConfigureAwait(false), "application/x-ndjson", id + ".jsonl");

    private static async Task<byte[]> TranscriptOf(string id, HttpRequest request, SessionRegistry sessions, RunRegistry runs)
    {
        var tenant = Tenants.Of(request);
        await runs.FindAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return await sessions.Store.ReadTranscriptAsync(tenant, id, request.HttpContext.RequestAborted).ConfigureAwait(false)
            ?? throw new ReachException(ErrorCatalog.RunnerRunNotFound, $"No run '{id}' for tenant '{tenant}'.");
    }

    // A pack or policy member: null (or absent) is not given.
    private static JsonElement? Given(JsonElement? value) => value is { ValueKind: not JsonValueKind.Null } given ? given : null;
}
