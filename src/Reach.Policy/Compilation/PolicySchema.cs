using Reach.Core.Json;

namespace Reach.Policy.Compilation;

/// <summary>The bundle schema (protocol/schemas/policy-bundle.schema.json, embedded) and validation against it.</summary>
public static class PolicySchema
{
    /// <summary>The schema's text.</summary>
    public static string Text { get; } = ReadText();

    private static readonly Lazy<SchemaErrors> Checker = new(() => SchemaErrors.FromText(Text, "the bundle"));

    /// <summary>
    /// Validates <paramref name="bundle"/>: one error per mistake, saying what is allowed, placed with
    /// <paramref name="map"/> (built from the bundle's own bytes) and in document order.
    /// </summary>
    public static IReadOnlyList<PolicyCompileError> Validate(JsonElement bundle, JsonSourceMap? map = null)
    {
        var errors = new List<PolicyCompileError>();
        foreach (var error in Checker.Value.Find(bundle))
        {
            var message = error.Hint is null ? error.Message : $"{error.Message} ({error.Hint.TrimEnd('.')})";
            errors.Add(new PolicyCompileError(ErrorCatalog.PolicyBundleInvalid, error.Pointer, message) { Position = map?.Locate(error.Pointer) });
        }

        return [.. errors.OrderBy(e => e.Position ?? default).ThenBy(e => e.Pointer, StringComparer.Ordinal)];
    }

    private static string ReadText()
    {
        using var stream = typeof(PolicySchema).Assembly.GetManifestResourceStream("policy-bundle.schema.json")
            ?? throw new InvalidOperationException("The embedded policy-bundle.schema.json is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
