using System.Diagnostics;

namespace Reach.Core.Tests.Tools;

/// <summary>Makes a hard link with coreutils' <c>ln</c> (.NET has no API for one), returning its exit code.</summary>
internal static class HardLink
{
    public static int Create(string existing, string link)
    {
        using var ln = Process.Start(new ProcessStartInfo("ln", [existing, link]) { RedirectStandardError = true })!;
        ln.WaitForExit();
        return ln.ExitCode;
    }
}
