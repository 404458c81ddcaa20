namespace Reach.Cli.Tests;

/// <summary><c>reach runs</c> off a terminal: one plain line per run, the run id whole.</summary>
[Collection(InProcessRuns.Name)]
public sealed class RunsListingTests
{
    [Fact]
    public void Runs_prints_one_plain_line_per_run_with_the_whole_run_id()
    {
        using var cli = new InProcessCli();
        Assert.Equal(0, cli.Run("run", ReachProcess.Example("hello")).ExitCode);
        Assert.Equal(1, cli.Run("run", ReachProcess.Example("denied")).ExitCode);
        using var json = JsonDocument.Parse(cli.Run("runs", "--json").Stdout);
        var ids = json.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run_id").GetString()!).ToList();

        var result = cli.Run("runs");

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var id in ids)
        {
            Assert.Equal(32, id.Length);
            Assert.Single(lines, l => l.StartsWith(id + "  ", StringComparison.Ordinal));
        }

        Assert.Single(lines, l => l.Contains(" hello@", StringComparison.Ordinal) && l.Contains(" succeeded ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains(" denied REACH-", StringComparison.Ordinal));
    }
}
