using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Reach.Runner;

/// <summary><c>/metrics</c> in the Prometheus text format: requests by route and status, their total time, open sessions and running runs.</summary>
internal sealed class RunnerMetrics
{
    private readonly ConcurrentDictionary<(string Method, string Route, int Status), long> _requests = new();
    private readonly SessionRegistry _sessions;
    private readonly RunRegistry _runs;
    private long _ticks;
    private long _count;

    public RunnerMetrics(SessionRegistry sessions, RunRegistry runs)
    {
        _sessions = sessions;
        _runs = runs;
    }

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
            _requests.AddOrUpdate((context.Request.Method, route, context.Response.StatusCode), 1, (_, n) => n + 1);
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
            Interlocked.Increment(ref _count);
        }
    }

    public string Render()
    {
        var text = new StringBuilder();
        text.Append("# HELP reach_http_requests_total HTTP requests answered, by method, route and status.\n# TYPE reach_http_requests_total counter\n");
        foreach (var ((method, route, status), count) in _requests.OrderBy(r => r.Key.Route, StringComparer.Ordinal).ThenBy(r => r.Key.Method, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
        {
            text.Append(CultureInfo.InvariantCulture, $"reach_http_requests_total{{method=\"{method}\",route=\"{Escape(route)}\",status=\"{status}\"}} {count}\n");
        }

        var seconds = (double)Interlocked.Read(ref _ticks) / Stopwatch.Frequency;
        text.Append("# HELP reach_http_request_seconds Time spent answering HTTP requests.\n# TYPE reach_http_request_seconds summary\n");
        text.Append(CultureInfo.InvariantCulture, $"reach_http_request_seconds_sum {seconds:R}\nreach_http_request_seconds_count {Interlocked.Read(ref _count)}\n");
        text.Append("# HELP reach_sessions_open Agent sessions open in this runner.\n# TYPE reach_sessions_open gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"reach_sessions_open {_sessions.OpenCount}\n");
        text.Append("# HELP reach_runs_running Pack runs executing in this runner.\n# TYPE reach_runs_running gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"reach_runs_running {_runs.Running}\n");
        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
