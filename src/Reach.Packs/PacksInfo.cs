namespace Reach.Packs;

/// <summary>Pack validation, signing, keys and registries, on top of Core's manifest model.</summary>
public static class PacksInfo
{
    /// <summary>The schema every pack.json names in <c>$schema</c>.</summary>
    public const string SchemaId = "https://reach.dev/schemas/pack.schema.json";
}
