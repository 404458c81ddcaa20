using System.ComponentModel;
using System.Diagnostics;
using Xunit;

namespace Reach.Testing;

/// <summary>
/// Runs a tool the tests compare Reach against (minisign, git): a missing binary fails the test with a message naming
/// how to install it, never a skip.
/// </summary>
public static class ExternalTool
{
    /// <summary>Runs <paramref name="tool"/> with an argument list and an empty stdin; its exit code and stdout then stderr.</summary>
    public static (int ExitCode, string Output) Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool)
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

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"{tool} is not installed ({ex.Message}); .ci/run installs it (apt-get install {tool}).");
            throw;
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', args)} did not finish in 30 s.");
            }

            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
