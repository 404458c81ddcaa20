using Reach.Core.Errors;

namespace Reach.Runner;

/// <summary>RFC 9457 problem details carrying the catalogue code.</summary>
internal static class Problems
{
    /// <summary>The problem for a coded error, with the HTTP status its code maps to.</summary>
    public static IResult For(ErrorCode error, string detail, IReadOnlyDictionary<string, object?>? details = null, int? status = null, string? fix = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = error.Code, ["fix"] = fix ?? error.Fix };
        foreach (var (key, value) in details ?? new Dictionary<string, object?>())
        {
            extensions.TryAdd(key, value);
        }

        return Results.Problem(detail: detail, statusCode: status ?? StatusFor(error), title: error.Title, type: "urn:reach:error:" + error.Code, extensions: extensions);
    }

    /// <summary>The problem for a <see cref="ReachException"/>.</summary>
    public static IResult For(ReachException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return For(error.Error, error.Message, error.Details, fix: error.Fix);
    }

    /// <summary>The status an error code answers with.</summary>
    public static int StatusFor(ErrorCode error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error == ErrorCatalog.RunnerSessionNotFound || error == ErrorCatalog.RunnerRunNotFound || error == ErrorCatalog.RunnerNoSuchEndpoint)
        {
            return StatusCodes.Status404NotFound;
        }

        if (error == ErrorCatalog.RunnerSessionClosed)
        {
            return StatusCodes.Status409Conflict;
        }

        if (error == ErrorCatalog.RunnerUnauthorized)
        {
            return StatusCodes.Status401Unauthorized;
        }

        if (error == ErrorCatalog.RunnerTenantForbidden || error == ErrorCatalog.RunnerSpawnLimit || error == ErrorCatalog.SpawnBudgetExhausted)
        {
            return StatusCodes.Status403Forbidden;
        }

        if (error == ErrorCatalog.RunnerRequestTooLarge)
        {
            return StatusCodes.Status413PayloadTooLarge;
        }

        if (error == ErrorCatalog.RunnerRateLimited || error == ErrorCatalog.RunnerAuthFailuresLimited)
        {
            return StatusCodes.Status429TooManyRequests;
        }

        return error.Kind switch
        {
            ErrorKind.Input => StatusCodes.Status400BadRequest,
            ErrorKind.Negative => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status500InternalServerError,
        };
    }

    /// <summary>Turns a <see cref="ReachException"/> escaping an endpoint into its problem, and anything else into REACH-9070.</summary>
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (ReachException ex) when (!context.Response.HasStarted)
        {
            // No answer spells out a server directory, whichever library wrote the message.
            var sources = context.RequestServices.GetService<SessionRegistry>()?.Sources;
            await For(ex.Error, sources?.Scrub(ex.Message) ?? ex.Message, ex.Details).ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's own refusals keep their status: a body over the limit is 413 (REACH-4016), a malformed request 400.
            var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorCatalog.RunnerRequestTooLarge : ErrorCatalog.RunnerRequestInvalid;
            await For(error, ex.Message, status: ex.StatusCode).ExecuteAsync(context).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The last line of defence: an internal error becomes a REACH-9070 problem, never a bare 500.
        catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            var sources = context.RequestServices.GetService<SessionRegistry>()?.Sources;
            var message = $"An internal error: {ex.GetType().Name}: {ex.Message}";
            await For(ErrorCatalog.Internal, sources?.Scrub(message) ?? message).ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
