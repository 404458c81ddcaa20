using System.ComponentModel;
using System.Diagnostics;

namespace Reach.Packs.Tests.Signing;

/// <summary>Runs Debian's minisign; a missing binary fails the test with a message, never a skip.</summary>
internal static class MinisignTool
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo("minisign")
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
            Assert.Fail($"minisign is not installed ({ex.Message}); .ci/run installs it (apt-get install minisign).");
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
                Assert.Fail("minisign did not finish in 30 s.");
            }

            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
