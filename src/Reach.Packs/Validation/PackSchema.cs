namespace Reach.Packs.Validation;

/// <summary>
/// The pack manifest's JSON Schema (protocol/schemas/pack.schema.json, embedded in this assembly) and the findings it
/// gives for a document: one per mistake, with the JSON pointer and a message in Reach's words (<see cref="SchemaErrors"/>).
/// </summary>
public static class PackSchema
{
    private const string ResourceName = "Reach.Packs.pack.schema.json";

    private static readonly Lazy<SchemaErrors> Checker = new(() => SchemaErrors.FromText(Text, "pack.json"));

    /// <summary>The schema's text, as shipped.</summary>
    public static string Text
    {
        get
        {
            using var stream = typeof(PackSchema).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from Reach.Packs.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Evaluates <paramref name="manifest"/>; each mistake becomes a <see cref="PackRules.Schema"/> finding placed with <paramref name="map"/>.</summary>
    public static List<PackFinding> Evaluate(JsonElement manifest, JsonSourceMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var findings = new List<PackFinding>();
        foreach (var error in Checker.Value.Find(manifest))
        {
            findings.Add(new PackFinding
            {
                Rule = PackRules.Schema,
                Message = error.Message,
                Fix = error.Hint ?? PackRules.Schema.Fix,
                Pointer = error.Pointer,
                Position = map.Locate(error.Pointer),
            });
        }

        return [.. findings.OrderBy(f => f.Position)];
    }
}
