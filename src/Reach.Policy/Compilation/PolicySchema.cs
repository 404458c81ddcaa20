using Json.Schema;

namespace Reach.Policy.Compilation;

/// <summary>The bundle schema (protocol/schemas/policy-bundle.schema.json, embedded) and validation against it.</summary>
public static class PolicySchema
{
    private static readonly Lazy<JsonSchema> Schema = new(Load);

    /// <summary>The schema's text.</summary>
    public static string Text { get; } = ReadText();

    /// <summary>Validates <paramref name="bundle"/>; every failure with its instance pointer, the most specific first.</summary>
    public static IReadOnlyList<PolicyCompileError> Validate(JsonElement bundle)
    {
        var results = Schema.Value.Evaluate(bundle, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = new List<PolicyCompileError>();
        if (results.IsValid)
        {
            return errors;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var detail in results.Details ?? [])
        {
            if (detail.IsValid || detail.Errors is not { Count: > 0 })
            {
                continue;
            }

            var pointer = detail.InstanceLocation.ToString();
            foreach (var (keyword, message) in detail.Errors)
            {
                // oneOf/anyOf summaries repeat what their branches said, less precisely; the branches are kept.
                if (keyword is "oneOf" or "anyOf" or "$ref" or "allOf" || !seen.Add(pointer + "\n" + message))
                {
                    continue;
                }

                errors.Add(new PolicyCompileError(ErrorCatalog.PolicyBundleInvalid, pointer, $"{pointer} ({keyword}): {message}"));
            }
        }

        if (errors.Count == 0)
        {
            errors.Add(new PolicyCompileError(ErrorCatalog.PolicyBundleInvalid, string.Empty, "The bundle does not match protocol/schemas/policy-bundle.schema.json."));
        }

        // The deepest pointer names the member to fix; a branch that failed because a member is "false" is noise.
        errors.Sort((a, b) => b.Pointer.Length.CompareTo(a.Pointer.Length));
        return errors;
    }

    private static JsonSchema Load() => JsonSchema.FromText(Text);

    private static string ReadText()
    {
        using var stream = typeof(PolicySchema).Assembly.GetManifestResourceStream("policy-bundle.schema.json")
            ?? throw new InvalidOperationException("The embedded policy-bundle.schema.json is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
