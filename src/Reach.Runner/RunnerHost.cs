using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Reach.Core.Errors;

namespace Reach.Runner;

/// <summary>Builds the runner's web application: the same host for <c>reach serve</c>, the runner on its own, and the tests.</summary>
internal static class RunnerHost
{
    /// <summary>The JSON the API writes: snake_case members, nulls left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Builds the application; refuses (REACH-4006) any address that is not loopback.</summary>
    public static WebApplication Build(RunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var urls = CheckLoopback(options.Urls);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = Json.DefaultIgnoreCondition;
            o.SerializerOptions.Encoder = Json.Encoder;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new SessionRegistry(options.Home, options.Store ?? new Storage.InMemoryRunnerStore()));

        var app = builder.Build();
        app.Use(Problems.Middleware);
        app.MapHealthApi();
        app.MapSessionsApi();
        app.MapFeaturesApi(Config.ConfigLoader.Load(options.Home));
        return app;
    }

    /// <summary>The addresses the started server listens on.</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var feature = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        return feature is null ? [] : [.. feature.Addresses];
    }

    /// <summary>Checks that every address is loopback (127.0.0.0/8, ::1 or localhost) and returns the list.</summary>
    public static string[] CheckLoopback(string urls)
    {
        var list = (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0)
        {
            throw new ReachException(ErrorCatalog.RunnerUrlInvalid, "No address to bind was given.");
        }

        foreach (var url in list)
        {
            // Kestrel's wildcards (*, +) do not parse as URIs; they are not loopback either.
            var host = url.Contains("://*", StringComparison.Ordinal) || url.Contains("://+", StringComparison.Ordinal)
                ? "*"
                : Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.Host : null;
            if (host is null)
            {
                throw new ReachException(ErrorCatalog.RunnerUrlInvalid, $"'{url}' is not an http:// or https:// URL.");
            }

            var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
            if (!loopback)
            {
                throw new ReachException(ErrorCatalog.RunnerNonLoopback, $"'{url}' is not a loopback address; the runner has no token authentication yet, so it binds only 127.0.0.1, ::1 or localhost.");
            }
        }

        return list;
    }
}
