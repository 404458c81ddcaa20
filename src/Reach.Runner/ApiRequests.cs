using System.Globalization;
using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Json;
using Reach.Core.Packs;

namespace Reach.Runner;

/// <summary>Reading requests the same way on every endpoint: JSON bodies, fields named in errors, bounded query integers.</summary>
internal static class ApiRequests
{
    /// <summary>The page size when <c>limit</c> is not given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest <c>limit</c> a page accepts.</summary>
    public const int MaxLimit = 1000;

    public static readonly JsonElement EmptyObject = JsonSerializer.Deserialize<JsonElement>("{}");

    /// <summary>
    /// The body as bytes (Kestrel's size limit applies) and parsed as a JSON object by Core's one strict reader: a key
    /// twice at any level (REACH-1002), a lone surrogate (REACH-1003), a number no double holds (REACH-1004), nesting past
    /// 64 levels (REACH-1005); text that is not JSON or not UTF-8, or not an object, is REACH-4001.
    /// </summary>
    public static async Task<(JsonElement Body, byte[] Bytes)> ReadObjectAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var bytes = buffer.ToArray();
        if (bytes.Length == 0)
        {
            return (EmptyObject, bytes);
        }

        JsonElement body;
        try
        {
            body = StrictJson.Parse(bytes);
        }
        catch (ReachException ex) when (ex.Error == ErrorCatalog.JsonInvalid)
        {
            throw new ReachException(ErrorCatalog.RunnerRequestInvalid, $"The request body is not valid JSON: {ex.Message}") { Details = ex.Details };
        }
        catch (ReachException ex)
        {
            throw new ReachException(ex.Error, $"The request body: {ex.Message}") { Details = ex.Details };
        }

        return body.ValueKind == JsonValueKind.Object ? (body, bytes) : throw new ReachException(ErrorCatalog.RunnerRequestInvalid, "The request body is not a JSON object.");
    }

    public static string RequiredString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid(name, "a non-empty string");

    public static string? OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : throw Invalid(name, "a non-empty string");
    }

    public static JsonElement? OptionalObject(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw Invalid(name, "an object");
    }

    /// <summary>A budgets object: <c>max_steps</c>, <c>max_tool_calls</c>, <c>max_cost</c>, <c>max_duration_ms</c>, each optional.</summary>
    public static Budgets? OptionalBudgets(JsonElement body, string name)
    {
        if (OptionalObject(body, name) is not { } value)
        {
            return null;
        }

        return Budgets.Read(value, (member, expected) => Invalid($"{name}.{member}", expected));
    }

    public static long QueryInteger(HttpRequest request, string name, long fallback, long min, long max)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ReachException(ErrorCatalog.RunnerRequestInvalid, $"The query parameter '{name}' must be an integer from {min} to {max}.") { Details = Field(name) };
    }

    public static string? QueryString(HttpRequest request, string name) => request.Query[name].ToString() is { Length: > 0 } text ? text : null;

    /// <summary>The Idempotency-Key header with the digest of the body it came with, or null without the header.</summary>
    public static Idempotency? IdempotencyOf(HttpRequest request, byte[] body)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            return null;
        }

        return key.Length <= 200 && key.All(c => c is > ' ' and < (char)127)
            ? new Idempotency(key, Sha256Digest.Compute(body))
            : throw new ReachException(ErrorCatalog.RunnerRequestInvalid, "The Idempotency-Key header must be 1 to 200 visible ASCII characters.") { Details = Field("Idempotency-Key") };
    }

    public static ReachException Invalid(string field, string expected) =>
        new(ErrorCatalog.RunnerRequestInvalid, $"The field '{field}' must be {expected}.") { Details = Field(field) };

    public static Dictionary<string, object?> Field(string name) => new(StringComparer.Ordinal) { ["field"] = name };
}
