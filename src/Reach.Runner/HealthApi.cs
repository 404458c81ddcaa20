using System.Reflection;
using Reach.Core;

namespace Reach.Runner;

/// <summary><c>/healthz</c>, <c>/readyz</c> and <c>/v1/version</c>.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        routes.MapGet("/readyz", (RunnerOptions options) =>
            Directory.Exists(options.Home) || TryCreate(options.Home)
                ? Results.Json(new { status = "ready" })
                : Results.Json(new { status = "not ready", reason = "REACH_HOME cannot be created" }, statusCode: StatusCodes.Status503ServiceUnavailable));
        routes.MapGroup("/v1").MapGet("/version", () => Results.Json(new
        {
            version = typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0",
            engine = EngineInfo.Engine,
            format = EngineInfo.FormatVersion,
        }));
        return routes;
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
