namespace Reach.Packs.Templates;

/// <summary>What <see cref="PackTemplates.CreateAsync"/> wrote.</summary>
/// <param name="Template">The template used.</param>
/// <param name="Directory">The new directory, as a full path.</param>
/// <param name="PackDirectory">The pack inside it (the same directory unless the template nests the pack).</param>
/// <param name="Files">The files written, relative to <paramref name="Directory"/>, with '/' separators, sorted.</param>
public sealed record CreatedPack(PackTemplate Template, string Directory, string PackDirectory, IReadOnlyList<string> Files);
