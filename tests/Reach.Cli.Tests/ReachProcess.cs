using System.Diagnostics;

namespace Reach.Cli.Tests;

/// <summary>Runs reach in its own REACH_HOME: in this process by default, or the real binary (built beside the tests).</summary>
internal sealed class ReachProcess : IDisposable
{
    // The binary runs with the repository as its working directory; commands run in process see the same.
    static ReachProcess() => Directory.SetCurrentDirectory(Repository.Root);

    public ReachProcess()
    {
        Home = Directory.CreateTempSubdirectory("reach-home-").FullName;
    }

    public string Home { get; }

    public static string Example(string name) => Repository.Example(name);

    public ProcessStartInfo StartInfo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reach.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["REACH_HOME"] = Home;
        start.Environment["NO_COLOR"] = "1";
        return start;
    }

    /// <summary>Runs <c>reach ARGS</c> in this process (see <see cref="RunIn"/>).</summary>
    public Result Run(params string[] args) => RunIn(null, null, args);

    /// <summary>Runs <c>reach ARGS</c> in this process with <paramref name="stdin"/> as its standard input.</summary>
    public Result RunWithInput(string? stdin, params string[] args) => RunIn(stdin, null, args);

    /// <summary>
    /// Runs <c>reach ARGS</c> in this process, as the binary would run it: the command tree built by
    /// <c>ReachApp</c> with its output and error captured (System.CommandLine and Spectre write to the
    /// <see cref="CliEnvironment"/>'s writers), the test process's variables with this REACH_HOME and NO_COLOR, plus
    /// <paramref name="variables"/> (a null value removes one), no terminal. Far cheaper than starting a process; the
    /// process path stays tested by <see cref="RunProcess"/> (ProcessEndToEndTests, the serve and crash tests).
    /// </summary>
    public Result RunIn(string? stdin, IReadOnlyDictionary<string, string?>? variables, params string[] args)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        environment["REACH_HOME"] = Home;
        environment["NO_COLOR"] = "1";
        foreach (var (name, value) in variables ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        using var input = new StringReader(stdin ?? string.Empty);
        var exit = ReachApp.Run(args, new CliEnvironment(output, error, input, environment, interactive: false));
        return new Result(exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs the real reach binary in its own process (for what only a process shows: exit, signals, streams).</summary>
    public Result RunProcess(params string[] args) => RunProcessWithInput(null, args);

    /// <summary>Runs the real reach binary with <paramref name="stdin"/> as its standard input.</summary>
    public Result RunProcessWithInput(string? stdin, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"reach {string.Join(' ', args)} did not finish in 60 s.");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public JsonDocument Json(params string[] args)
    {
        var result = Run([.. args, "--json"]);
        try
        {
            return JsonDocument.Parse(result.Stdout);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"stdout of reach {string.Join(' ', args)} --json is not one JSON document (exit {result.ExitCode}):\n{result.Stdout}\nstderr:\n{result.Stderr}", ex);
        }
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

    public sealed record Result(int ExitCode, string Stdout, string Stderr);
}
