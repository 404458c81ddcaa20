namespace Reach.Packs.Install;

/// <summary>
/// <c>NAME</c> or <c>NAME@VERSION</c>, split the one way every resolver uses (<c>reach pack install</c>, <c>reach run</c>
/// of an installed pack, the runner): at the first <c>@</c>. Neither a pack name nor a version holds an <c>@</c>, so a
/// second one makes the version invalid rather than moving the split.
/// </summary>
/// <param name="Name">The pack's name.</param>
/// <param name="Version">The version asked for, or null for "the installed (or newest) one".</param>
public readonly record struct PackSpec(string Name, string? Version)
{
    /// <summary>Splits <paramref name="spec"/>; an empty name or version (<c>@1.0.0</c>, <c>hello@</c>) is kept as given, for the caller to refuse.</summary>
    public static PackSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var at = spec.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? new PackSpec(spec, null) : new PackSpec(spec[..at], spec[(at + 1)..]);
    }
}
