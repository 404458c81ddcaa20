using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.RateLimiting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Reach.Core.Errors;
using Reach.Configuration;

namespace Reach.Runner;

/// <summary>Builds the runner's web application: the same host for <c>reach serve</c>, the tests and the benchmarks.</summary>
internal static class RunnerHost
{
    /// <summary>The JSON the API writes: snake_case members, nulls left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Builds the application; refuses (REACH-4006) an address that is not loopback unless tokens are required.</summary>
    public static WebApplication Build(RunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = options.Config ?? ConfigLoader.Load(options.Home);
        var requireToken = options.RequireToken || config.RequireToken.Value;
        var urls = CheckBind(options.Urls, requireToken);
        var sso = config.IsEnabled(FeatureFlag.Sso) ? Sso.Load(options.Home) : null;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production, ContentRootPath = AppContext.BaseDirectory });

        // Reach decides its own bindings and settings: no appsettings.json from the current directory, no Kestrel__*,
        // ASPNETCORE_* or DOTNET_* variables (any of which could add an endpoint on every interface without tokens).
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = config.MaxRequestBytes.Value);
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);

        // Logs are diagnostics, never output: all of them go to stderr, so stdout stays one JSON document under --json.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // A failure to start (a busy port, a refused address) is thrown to the caller, which reports it with its code;
        // the host's own Error log of it would add a stack trace even under --quiet and --json.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (options.LogSink is { } sink)
        {
            builder.Logging.AddProvider(sink);
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<RunnerExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = Json.DefaultIgnoreCondition;
            o.SerializerOptions.Encoder = Json.Encoder;

            // Numbers are numbers: the document (and the SDK types generated from it) must not admit strings for them.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;

            // The API's source-generated contract first: the OpenAPI document describes the records as the endpoints bind them.
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, RunnerJsonContext.Default);
        });
        RunnerOpenApi.Register(builder.Services);
        sso?.Register(builder.Services);
        var store = options.Store;
        var sources = new PackSources(options.Home, [.. config.PackDirectories.Value, .. options.PackDirectories], [.. config.PolicyDirectories.Value, .. options.PolicyDirectories]);
        var sessions = new SessionRegistry(options.Home, store, config, options.Clock, sources);
        var signal = new CommitSignal();
        var runs = new RunRegistry(sessions, signal, options.Clock);
        var authenticator = new TokenAuthenticator(store, requireToken, sso, options.Clock, config.AuthFailuresPerMinute.Value);
        var compliance = config.IsEnabled(FeatureFlag.ComplianceLogs) ? new ComplianceLog(options.Home, options.Clock) : null;
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(sessions);
        builder.Services.AddSingleton(signal);
        builder.Services.AddSingleton(runs);
        builder.Services.AddSingleton<RunnerMetrics>();
        AddMetricsExport(builder.Services);
        builder.Services.AddHostedService(services => new BoundAddressCheck(services.GetRequiredService<IServer>(), requireToken));
        if (config.RateLimitPerSecond.Value > 0)
        {
            builder.Services.AddRateLimiter(o => ConfigureRateLimit(o, config.RateLimitPerSecond.Value));
        }

        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<RunnerMetrics>();

        // Routing first: authentication, audit and metrics decide by the endpoint the router chose (or its absence),
        // never by how the path was spelled.
        app.UseRouting();
        if (compliance is not null)
        {
            app.Use(compliance.Middleware);
        }

        app.Use(metrics.Middleware);

        // Every exception escaping below becomes a problem (RunnerExceptionHandler), which logs what it must itself:
        // a coded error is an answer, not an incident, and the framework's own log line would add a stack trace to each.
        app.UseExceptionHandler(new ExceptionHandlerOptions { SuppressDiagnosticsCallback = _ => true });
        app.Use(authenticator.Middleware);
        if (config.RateLimitPerSecond.Value > 0)
        {
            app.UseRateLimiter();
        }

        // Default closed: every endpoint below needs a token when tokens are required, unless it is marked AllowAnonymous
        // (health, readiness and the API description are).
        app.MapHealthApi();
        app.MapSessionsApi();
        app.MapRunsApi();
        app.MapPacksApi();
        app.MapFeaturesApi(config);
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        app.MapFallback((HttpContext context) => Problems.For(ErrorCatalog.RunnerNoSuchEndpoint, $"No endpoint answers {context.Request.Method} {context.Request.Path}.")).ExcludeFromDescription();
        RunnerOpenApi.Map(app);

        // Shutdown: let running pack runs finish (their transcripts are committed line by line anyway); once the last
        // request is answered, seal the compliance log and drain the group committer. Open sessions stay open in the
        // store: a restarted runner resumes them.
        app.Lifetime.ApplicationStopping.Register(() => runs.WaitAll(TimeSpan.FromSeconds(10)));
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            // After the last request in flight was answered (and audited).
            compliance?.Seal();
            sessions.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        return app;
    }

    /// <summary>The addresses the started server listens on.</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var feature = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        return feature is null ? [] : [.. feature.Addresses];
    }

    /// <summary>Checks every address: a URL, and loopback (127.0.0.0/8, ::1 or localhost) unless tokens are required.</summary>
    public static string[] CheckBind(string urls, bool requireToken)
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
                throw new ReachException(ErrorCatalog.RunnerUrlInvalid, PortOutOfRange(url) is { } port
                    ? $"'{url}': the port {port} is out of range; a port is 0 to 65535 (0 takes any free port)."
                    : $"'{url}' is not an http:// or https:// URL.");
            }

            var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
            if (!loopback && !requireToken)
            {
                throw new ReachException(ErrorCatalog.RunnerNonLoopback, $"'{url}' is not a loopback address; a runner reachable from other machines must require tokens (--require-token).");
            }
        }

        return list;
    }

    // The Prometheus exporter over this runner's meter alone: a meter is selected by name, and every runner in a process
    // (the tests start many) names its own "Reach.Runner"; a view drops the instruments of the others' meters.
    private static void AddMetricsExport(IServiceCollection services)
    {
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService("reach-runner")).WithMetrics(m => m
            .AddMeter(RunnerMetrics.MeterName)

            // Every scrape sees the requests answered before it.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        services.ConfigureOpenTelemetryMeterProvider((provider, builder) =>
        {
            var own = provider.GetRequiredService<RunnerMetrics>().Meter;
            builder.AddView(instrument => ReferenceEquals(instrument.Meter, own) ? null : MetricStreamConfiguration.Drop);
        });
    }

    // A token bucket per token (or per client address without one): `rate` requests a second, bursts up to one second's worth.
    private static void ConfigureRateLimit(RateLimiterOptions options, int rate)
    {
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var key = Tenants.CredentialOf(context) ?? "address:" + context.Connection.RemoteIpAddress;
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate,
                TokensPerPeriod = rate,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = async (rejected, cancellationToken) =>
        {
            var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 1;
            rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Problems.For(ErrorCatalog.RunnerRateLimited, $"More than {rate} requests a second; retry after {seconds} s.").ExecuteAsync(rejected.HttpContext).ConfigureAwait(false);
        };
    }

    /// <summary>The port of an http(s) URL whose only fault is a port past 65535 (System.Uri refuses those whole).</summary>
    private static string? PortOutOfRange(string url)
    {
        var match = System.Text.RegularExpressions.Regex.Match(url, @"^https?://(\[[^\]]*\]|[^/:\[\]]+):(\d+)(/.*)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success && (match.Groups[2].Value.Length > 5 || int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 65535) ? match.Groups[2].Value : null;
    }
}
