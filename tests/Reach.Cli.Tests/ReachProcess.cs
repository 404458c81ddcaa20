using System.Diagnostics;

namespace Reach.Cli.Tests;

/// <summary>Runs the real reach binary (built beside the tests) in its own REACH_HOME.</summary>
internal sealed class ReachProcess : IDisposable
{
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

    public Result Run(params string[] args) => RunWithInput(null, args);

    public Result RunWithInput(string? stdin, params string[] args)
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
