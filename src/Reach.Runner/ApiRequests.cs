using System.Globalization;
using System.Text.Json.Serialization.Metadata;
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

    /// <summary>
    /// The body read strictly (<see cref="ReadObjectAsync"/>), then bound to its request record through the API's
    /// contract (<see cref="RunnerJsonContext"/>): a required member left out, or a member of the wrong JSON type, is
    /// REACH-4001 naming the field. The checks a type cannot say (non-empty, 0 or more, one of) are the endpoint's.
    /// </summary>
    public static async Task<(T Body, byte[] Bytes)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(type);
        var (element, bytes) = await ReadObjectAsync(request).ConfigureAwait(false);
        foreach (var required in RunnerJsonContext.RequiredOf(type))
        {
            if (!element.TryGetProperty(required.Name, out _))
            {
                throw Invalid(required.Name, required.PropertyType == typeof(string) ? "a non-empty string" : Expected(required.PropertyType));
            }
        }

        try
        {
            return (element.Deserialize(type) ?? throw new ReachException(ErrorCatalog.RunnerRequestInvalid, "The request body is not a JSON object."), bytes);
        }
        catch (JsonException ex)
        {
            // The reader's path names the member at fault: $.budget.max_steps, $.tools[0] (the field is tools).
            var field = FieldOf(ex.Path);
            throw field is null
                ? new ReachException(ErrorCatalog.RunnerRequestInvalid, "The request body does not fit the endpoint.")
                : Invalid(field, Expected(MemberType(type, field)));
        }
    }

    /// <summary>A required string member: present (checked on reading) and not empty.</summary>
    public static string NonEmpty(string? value, string name) => value is { Length: > 0 } text ? text : throw Invalid(name, "a non-empty string");

    /// <summary>An optional string member: absent, null, or not empty.</summary>
    public static string? NonEmptyOrNone(string? value, string name) => value is null || value.Length > 0 ? value : throw Invalid(name, "a non-empty string");

    /// <summary>An optional object member: absent, null, or an object.</summary>
    public static JsonElement? ObjectOrNone(JsonElement? value, string name) =>
        value is not { } given || given.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : given.ValueKind == JsonValueKind.Object ? given : throw Invalid(name, "an object");

    private static string? FieldOf(string? path)
    {
        if (path is null || !path.StartsWith('$'))
        {
            return null;
        }

        var field = path[1..].TrimStart('.');
        var index = field.IndexOf('[', StringComparison.Ordinal);
        field = index < 0 ? field : field[..index];
        return field.Length == 0 ? null : field;
    }

    private static Type? MemberType(JsonTypeInfo type, string field)
    {
        Type? current = null;
        var info = type;
        foreach (var name in field.Split('.'))
        {
            var property = info?.Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                return null;
            }

            current = property.PropertyType;
            info = RunnerJsonContext.Api.GetTypeInfo(Nullable.GetUnderlyingType(current) ?? current);
        }

        return current;
    }

    // What a member's type admits, in the words of the problem's detail.
    private static string Expected(Type? type) => (type is null ? null : Nullable.GetUnderlyingType(type) ?? type) switch
    {
        null => "of the type the endpoint expects (GET /openapi/v1.json)",
        var t when t == typeof(string) => "a string",
        var t when t == typeof(long) || t == typeof(int) => "a whole number",
        var t when t == typeof(decimal) || t == typeof(double) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(JsonElement) => "given",
        var t when typeof(IEnumerable<string>).IsAssignableFrom(t) => "an array of strings",
        _ => "an object",
    };

    /// <summary>A budgets object: <c>max_steps</c>, <c>max_tool_calls</c>, <c>max_cost</c>, <c>max_duration_ms</c>, each optional and 0 or more.</summary>
    public static Budgets? BudgetsOf(BudgetBody? body, string name)
    {
        if (body is null)
        {
            return null;
        }

        long? Whole(long? value, string member) => value is null or >= 0 ? value : throw Invalid($"{name}.{member}", "a whole number, 0 or more");
        var cost = body.MaxCost is null or >= 0 ? body.MaxCost : throw Invalid($"{name}.max_cost", "a number, 0 or more");
        var duration = Whole(body.MaxDurationMs, "max_duration_ms");
        return new Budgets { MaxSteps = Whole(body.MaxSteps, "max_steps"), MaxToolCalls = Whole(body.MaxToolCalls, "max_tool_calls"), MaxCost = cost, MaxDuration = duration is { } ms ? TimeSpan.FromMilliseconds(ms) : null };
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
