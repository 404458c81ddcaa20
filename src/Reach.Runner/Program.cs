using Reach.Core.Errors;

namespace Reach.Runner;

/// <summary>The runner on its own: <c>Reach.Runner [--urls URL]</c>, REACH_HOME from the environment (default ~/.reach).</summary>
internal static class RunnerProgram
{
    public static async Task<int> Main(string[] args)
    {
        var urls = RunnerOptions.DefaultUrls;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--urls")
            {
                urls = args[i + 1];
            }
        }

        var home = Environment.GetEnvironmentVariable("REACH_HOME") is { Length: > 0 } value
            ? value
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".reach");
        try
        {
            var app = RunnerHost.Build(new RunnerOptions { Home = Path.GetFullPath(home), Urls = urls });
            await using (app.ConfigureAwait(false))
            {
                await app.RunAsync().ConfigureAwait(false);
            }

            return 0;
        }
        catch (ReachException ex)
        {
            await Console.Error.WriteLineAsync($"error[{ex.Code}]: {ex.Message}\n  fix: {ex.Fix}").ConfigureAwait(false);
            return ex.Error.ExitCode;
        }
    }
}
