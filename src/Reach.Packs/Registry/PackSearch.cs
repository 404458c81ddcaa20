namespace Reach.Packs.Registry;

/// <summary>One search hit: a published version and the registry that has it.</summary>
/// <param name="Registry">The registry's name.</param>
/// <param name="Entry">The index entry.</param>
public sealed record SearchHit(string Registry, RegistryEntry Entry);

/// <summary>Searches the registries' indexes by name, description and tags (case-insensitive substring).</summary>
public static class PackSearch
{
    /// <summary>Every version whose name, description or a tag contains <paramref name="query"/>; an empty query matches all.</summary>
    public static List<SearchHit> Search(IEnumerable<IPackRegistry> registries, string query)
    {
        ArgumentNullException.ThrowIfNull(registries);
        ArgumentNullException.ThrowIfNull(query);
        var hits = new List<SearchHit>();
        foreach (var registry in registries)
        {
            foreach (var entry in registry.ReadIndex().Packs)
            {
                if (Matches(entry, query))
                {
                    hits.Add(new SearchHit(registry.Name, entry));
                }
            }
        }

        hits.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Entry.Name, b.Entry.Name);
            return byName != 0 ? byName : -Install.PackVersion.Compare(a.Entry.Version, b.Entry.Version);
        });
        return hits;
    }

    private static bool Matches(RegistryEntry entry, string query)
    {
        if (query.Length == 0 || entry.Name.Contains(query, StringComparison.OrdinalIgnoreCase) || (entry.Description?.Contains(query, StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return true;
        }

        foreach (var tag in entry.Tags)
        {
            if (tag.Contains(query, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
