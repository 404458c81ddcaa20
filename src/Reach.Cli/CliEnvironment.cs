namespace Reach.Cli;

/// <summary>What a command may touch of the process: its streams, its environment variables and whether it runs on a terminal.</summary>
internal sealed class CliEnvironment
{
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

    public string? Get(string name) => Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>REACH_HOME, or ~/.reach.</summary>
    public string Home => Path.GetFullPath(Get(ReachVariables.Home) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".reach"));

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
