using Scalar.AspNetCore;

namespace Reach.Runner;

/// <summary>The runner's OpenAPI 3.1 document (<c>/openapi/v1.json</c>, Microsoft.AspNetCore.OpenApi) and its API reference page (<c>/docs</c>, Scalar).</summary>
internal static class RunnerOpenApi
{
    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    public static void Register(IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer(OpenApiDescriptions.DescribeDocument);
            options.AddOperationTransformer(OpenApiDescriptions.DescribeOperation);
            options.AddSchemaTransformer(OpenApiDescriptions.DescribeSchema);
        });
    }

    public static void Map(WebApplication app)
    {
        // Public: the document is the one checked into the repository, and the browser that shows /docs fetches it without a token.
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", options => options.WithTitle("Reach runner API").WithOpenApiRoutePattern(DocumentPath).DisableDefaultFonts()).AllowAnonymous();
    }
}
