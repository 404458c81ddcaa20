using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Reach.Core.Errors;

namespace Reach.Runner;

/// <summary>
/// Every exception that escapes an endpoint becomes an RFC 9457 problem: a <see cref="ReachException"/> with its code and
/// status, Kestrel's own refusals with theirs, and anything else (a bug) as REACH-9070, logged with the trace id the
/// answer carries so an operator finds the one in the other. No answer or log line spells out a server directory.
/// </summary>
internal sealed class RunnerExceptionHandler(ILogger<RunnerExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        var sources = httpContext.RequestServices.GetService<SessionRegistry>()?.Sources;
        string Scrub(string text) => sources?.Scrub(text) ?? text;
        var traceId = TraceIdOf(httpContext);
        ProblemHttpResult problem;
        switch (exception)
        {
            case ReachException ex:
                if (ex.Error == ErrorCatalog.RunnerStoreUnavailable)
                {
                    RunnerLog.StoreFailed(logger, ex.Code, traceId, Scrub(ex.Message));
                }

                problem = Problems.For(ex.Error, Scrub(ex.Message), ex.Details);
                break;
            case BadHttpRequestException ex:
                // Kestrel's own refusals keep their status: a body over the limit is 413 (REACH-4016), a malformed request 400.
                var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorCatalog.RunnerRequestTooLarge : ErrorCatalog.RunnerRequestInvalid;
                problem = Problems.For(error, ex.Message, status: ex.StatusCode);
                break;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                // The client went away: nobody reads an answer; the framework records the abort.
                return false;
            default:
                var message = Scrub($"An internal error: {exception.GetType().Name}: {exception.Message}");

                // The stack trace names code, not data; the message is scrubbed like the answer's detail.
                RunnerLog.Unexpected(logger, httpContext.Request.Method, RouteOf(httpContext), traceId, message, exception.StackTrace ?? string.Empty);
                problem = Problems.For(ErrorCatalog.Internal, message);
                break;
        }

        await problem.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    /// <summary>The trace id a problem answer carries (<c>trace_id</c>): the W3C id of the request's activity, else the connection's request id.</summary>
    public static string TraceIdOf(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;

    // The exception handler clears the endpoint before handlers run; its feature keeps the one that threw.
    private static string RouteOf(HttpContext context) =>
        (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
}
