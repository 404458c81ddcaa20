using System.Text.Encodings.Web;
using Reach.Configuration;

namespace Reach.Runner;

/// <summary><c>GET /v1/features</c>: the effective feature flags, each with where its value came from.</summary>
internal static partial class FeaturesApi
{
    /// <summary>Maps the endpoint over <paramref name="config"/> (read once, at start) and logs its warnings.</summary>
    public static IEndpointRouteBuilder MapFeaturesApi(this IEndpointRouteBuilder routes, ReachConfig config)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(config);
        var logger = routes.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("Reach.Runner.Config");
        foreach (var warning in config.Warnings)
        {
            if (logger is not null)
            {
                LogWarning(logger, warning.Error.Code, warning.Message);
            }
        }

        var body = Render(config);
        routes.MapGroup("/v1").MapGet("/features", () => TypedResults.Bytes(body, "application/json")).WithName("getFeatures").WithTags("features").Produces(StatusCodes.Status200OK, contentType: "application/json");
        return routes;
    }

    /// <summary>The response body: <c>{"features":{NAME:{"enabled","source","note"?}}}</c>.</summary>
    public static byte[] Render(ReachConfig config)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            ConfigJson.WriteFeatures(w, config);
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "warning[{Code}]: {Message}")]
    private static partial void LogWarning(ILogger logger, string code, string message);
}
