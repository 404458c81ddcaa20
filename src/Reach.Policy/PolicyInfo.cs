namespace Reach.Policy;

/// <summary>Policy bundles: model, compiler, evaluator, explain, lint and test runner.</summary>
public static class PolicyInfo
{
    /// <summary>The schema every bundle names in <c>$schema</c>.</summary>
    public const string SchemaId = "https://reach.dev/schemas/policy-bundle.schema.json";
}
