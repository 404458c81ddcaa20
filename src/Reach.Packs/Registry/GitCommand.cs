using System.ComponentModel;
using System.Diagnostics;

namespace Reach.Packs.Registry;

/// <summary>Runs <c>git</c> directly (no shell), arguments passed one by one.</summary>
internal static class GitCommand
{
    /// <summary>Runs git; returns its exit code, its standard output as bytes and its standard error.</summary>
    public static (int ExitCode, byte[] Output, string Error) Run(params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["LC_ALL"] = "C";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ReachException(ErrorCatalog.GitFailed, "git could not be started.");
        }
        catch (Win32Exception ex)
        {
            throw new ReachException(ErrorCatalog.GitFailed, $"git could not be started ({ex.Message}); install git.");
        }

        using (process)
        {
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync();
            using var output = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            return (process.ExitCode, output.ToArray(), error.Result.Trim());
        }
    }

    /// <summary>Runs git and fails with REACH-5307 on a non-zero exit.</summary>
    public static byte[] Check(params string[] args)
    {
        var (exit, output, error) = Run(args);
        return exit == 0 ? output : throw new ReachException(ErrorCatalog.GitFailed, $"git {string.Join(' ', args)} failed (exit {exit}): {error}");
    }
}
