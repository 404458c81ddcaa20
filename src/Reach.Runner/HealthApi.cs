using System.Reflection;
using Reach.Core;
using Reach.Core.Errors;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary><c>/healthz</c> and <c>/readyz</c> (public: an orchestrator probes them without a token) and <c>/v1/version</c>.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Json(new { status = "ok" })).WithName("health").WithTags("health").AllowAnonymous();
        routes.MapGet("/readyz", async (RunnerOptions options, SessionRegistry sessions, HttpContext context, ILogger<SessionRegistry> logger) =>
        {
            if (!Directory.Exists(options.Home) && !TryCreate(options.Home))
            {
                return TypedResults.Json(new ReadinessBody("not ready", "REACH_HOME cannot be created", null), statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return await Reachable(sessions.Store, logger, context.RequestAborted).ConfigureAwait(false)
                ? TypedResults.Json(new ReadinessBody("ready", null, null))
                : TypedResults.Json(new ReadinessBody("not ready", "the store cannot be reached", ErrorCatalog.RunnerStoreUnavailable.Code), statusCode: StatusCodes.Status503ServiceUnavailable);
        }).WithName("ready").WithTags("health").AllowAnonymous();
        routes.MapGroup("/v1").MapGet("/version", () => TypedResults.Json(new
        {
            version = typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0",
            engine = EngineInfo.Engine,
            format = EngineInfo.FormatVersion,
        })).WithName("getVersion").WithTags("health");
        return routes;
    }

    private static async Task<bool> Reachable(IRunnerStore store, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await store.PingAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure to reach the store is "not ready", not a 500.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            // The type only: a driver's message can carry a connection string or a server path.
            RunnerLog.StoreUnreachable(logger, ex.GetType().Name);
            return false;
        }
    }

    private static bool TryCreate(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>What <c>/readyz</c> answers: ready, or not ready with the reason (and the code when the store is at fault).</summary>
internal sealed record ReadinessBody(string Status, string? Reason, string? Code);
