using System.Globalization;

namespace Reach.Cli.Tests;

/// <summary>
/// Runs <c>reach</c> in this process (no process start: fast enough to walk every command), with its own REACH_HOME,
/// captured streams, no terminal and no colors.
/// </summary>
internal sealed class InProcessCli : IDisposable
{
    public InProcessCli()
    {
        Home = Directory.CreateTempSubdirectory("reach-home-").FullName;
    }

    public string Home { get; }

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public ReachProcess.Result Run(params string[] args) => RunWithInput(string.Empty, args);

    public ReachProcess.Result RunWithInput(string stdin, params string[] args)
    {
        var variables = new Dictionary<string, string>(Variables, StringComparer.Ordinal)
        {
            ["REACH_HOME"] = Home,
            ["NO_COLOR"] = "1",
            ["HOME"] = Home,
        };
        foreach (var (key, value) in Variables)
        {
            variables[key] = value;
        }

        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        using var input = new StringReader(stdin);
        var exit = ReachApp.Run(args, new CliEnvironment(output, error, input, variables, interactive: false));
        return new ReachProcess.Result(exit, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}

/// <summary>In-process runs share the static option instances of the command tree: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class InProcessRuns
{
    public const string Name = "in-process reach";
}
