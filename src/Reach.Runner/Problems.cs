using System.Collections.Frozen;
using Reach.Core.Errors;

namespace Reach.Runner;

/// <summary>RFC 9457 problem details carrying the catalogue code.</summary>
internal static class Problems
{
    /// <summary>
    /// The codes whose status is not their kind's (<see cref="StatusFor"/>): a missing thing is 404, a closed session 409,
    /// a missing or wrong credential 401 or 403, a refused spawn 403, a body over the limit 413, a limit on requests 429.
    /// </summary>
    public static readonly FrozenDictionary<string, int> Statuses = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [ErrorCatalog.RunnerSessionNotFound.Code] = StatusCodes.Status404NotFound,
        [ErrorCatalog.RunnerRunNotFound.Code] = StatusCodes.Status404NotFound,
        [ErrorCatalog.RunnerNoSuchEndpoint.Code] = StatusCodes.Status404NotFound,
        [ErrorCatalog.RunnerSessionClosed.Code] = StatusCodes.Status409Conflict,
        [ErrorCatalog.RunnerUnauthorized.Code] = StatusCodes.Status401Unauthorized,
        [ErrorCatalog.RunnerTenantForbidden.Code] = StatusCodes.Status403Forbidden,
        [ErrorCatalog.RunnerSpawnLimit.Code] = StatusCodes.Status403Forbidden,
        [ErrorCatalog.SpawnBudgetExhausted.Code] = StatusCodes.Status403Forbidden,
        [ErrorCatalog.RunnerRequestTooLarge.Code] = StatusCodes.Status413PayloadTooLarge,
        [ErrorCatalog.RunnerRateLimited.Code] = StatusCodes.Status429TooManyRequests,
        [ErrorCatalog.RunnerAuthFailuresLimited.Code] = StatusCodes.Status429TooManyRequests,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The status of every other code, by its kind: bad input 400, a negative answer 422, the rest 500.</summary>
    public static readonly FrozenDictionary<ErrorKind, int> KindStatuses = new Dictionary<ErrorKind, int>
    {
        [ErrorKind.Input] = StatusCodes.Status400BadRequest,
        [ErrorKind.Negative] = StatusCodes.Status422UnprocessableEntity,
        [ErrorKind.Environment] = StatusCodes.Status500InternalServerError,
        [ErrorKind.Internal] = StatusCodes.Status500InternalServerError,
    }.ToFrozenDictionary();

    /// <summary>The problem for a coded error, with the HTTP status its code maps to.</summary>
    public static ProblemHttpResult For(ErrorCode error, string detail, IReadOnlyDictionary<string, object?>? details = null, int? status = null, string? fix = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = error.Code, ["fix"] = fix ?? error.Fix };
        foreach (var (key, value) in details ?? new Dictionary<string, object?>())
        {
            extensions.TryAdd(key, value);
        }

        return TypedResults.Problem(detail: detail, statusCode: status ?? StatusFor(error), title: error.Title, type: "urn:reach:error:" + error.Code, extensions: extensions);
    }

    /// <summary>The problem for a <see cref="ReachException"/>.</summary>
    public static ProblemHttpResult For(ReachException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return For(error.Error, error.Message, error.Details, fix: error.Fix);
    }

    /// <summary>The status an error code answers with: its own (<see cref="Statuses"/>), else its kind's (<see cref="KindStatuses"/>).</summary>
    public static int StatusFor(ErrorCode error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Statuses.TryGetValue(error.Code, out var status) ? status : KindStatuses.GetValueOrDefault(error.Kind, StatusCodes.Status500InternalServerError);
    }
}
