namespace Reach.Packs.Templates;

/// <summary>A starting point for a new pack: its name, what it shows, and where the pack lands inside the new directory.</summary>
/// <param name="Name">The name passed to <c>--template</c>.</param>
/// <param name="Summary">One line on what it shows.</param>
/// <param name="PackFolder">The pack's folder relative to the new directory: <c>""</c> for the directory itself.</param>
/// <param name="RecordsTranscript">True when <c>reach pack init</c> records a transcript into <c>tests/</c>.</param>
public sealed record PackTemplate(string Name, string Summary, string PackFolder, bool RecordsTranscript);
