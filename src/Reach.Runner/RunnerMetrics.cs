using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Reach.Runner;

/// <summary>
/// The runner's instruments (meter <c>Reach.Runner</c>), exported at <c>/metrics</c> by OpenTelemetry's Prometheus
/// exporter: requests by method, route and status, the time spent answering them, open sessions and running runs.
/// The meter comes from the host's <see cref="IMeterFactory"/>, so two runners in one process count apart.
/// </summary>
internal sealed class RunnerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Reach.Runner";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public RunnerMetrics(IMeterFactory meters, SessionRegistry sessions, RunRegistry runs)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(runs);
        Meter = meters.Create(MeterName);

        // Prometheus names (the exporter's translation): reach_http_requests_total, reach_http_request_seconds (a
        // histogram: _bucket, _sum, _count), reach_sessions_open, reach_runs_running.
        _requests = Meter.CreateCounter<long>("reach.http.requests", description: "HTTP requests answered, by method, route and status.");
        _duration = Meter.CreateHistogram<double>("reach.http.request", unit: "s", description: "Time spent answering HTTP requests.");
        Meter.CreateObservableGauge("reach.sessions.open", () => (long)sessions.OpenCount, description: "Agent sessions open in this runner.");
        Meter.CreateObservableGauge("reach.runs.running", () => (long)runs.Running, description: "Pack runs executing in this runner.");
    }

    /// <summary>The meter the instruments belong to (the exporter keeps only this runner's).</summary>
    public Meter Meter { get; }

    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var started = Stopwatch.GetTimestamp();

        // Read before the request runs: the exception handler clears the endpoint of a request that threw.
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var tags = new TagList { { "method", context.Request.Method }, { "route", route }, { "status", context.Response.StatusCode } };
            _requests.Add(1, tags);
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }
}
