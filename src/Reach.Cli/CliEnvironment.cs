namespace Reach.Cli;

/// <summary>What a command may touch of the process: its streams, its environment variables and whether it runs on a terminal.</summary>
internal sealed class CliEnvironment
{
    private (int Width, int Height)? _size;

    public CliEnvironment(TextWriter output, TextWriter error, TextReader input, IReadOnlyDictionary<string, string>? variables = null, bool? interactive = null)
    {
        Output = output;
        Error = error;
        Input = input;
        Variables = variables ?? ReadProcessVariables();
        Interactive = interactive ?? (!Console.IsOutputRedirected && !Console.IsErrorRedirected);
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public TextReader Input { get; }

    public IReadOnlyDictionary<string, string> Variables { get; }

    public bool Interactive { get; }

    /// <summary>
    /// The width to lay text out in: <c>COLUMNS</c>, else the terminal's (asked of <c>stty</c>), else 120. Never
    /// <see cref="Console.WindowWidth"/>: asking the console its size sets the terminal up for key reading, which
    /// writes <c>ESC[?1h ESC=</c> to it.
    /// </summary>
    public int Width => (_size ??= ReadSize()).Width;

    /// <summary>The terminal's height, found as <see cref="Width"/> is (<c>LINES</c>, else <c>stty</c>, else 24).</summary>
    public int Height => (_size ??= ReadSize()).Height;

    public string? Get(string name) => Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>REACH_HOME, or ~/.reach.</summary>
    public string Home => Path.GetFullPath(Get(ReachVariables.Home) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".reach"));

    private (int Width, int Height) ReadSize()
    {
        int? width = Positive(Get("COLUMNS"));
        int? height = Positive(Get("LINES"));
        if ((width is null || height is null) && Interactive && !Console.IsInputRedirected)
        {
            try
            {
                var start = new System.Diagnostics.ProcessStartInfo("stty") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add("size");
                using var stty = System.Diagnostics.Process.Start(start)!;
                var size = stty.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                stty.WaitForExit(1000);
                if (size.Length == 2)
                {
                    height ??= Positive(size[0]);
                    width ??= Positive(size[1]);
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No stty: the defaults do.
            }
        }

        return (width ?? 120, height ?? 24);
    }

    private static int? Positive(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    private static Dictionary<string, string> ReadProcessVariables()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return result;
    }
}
