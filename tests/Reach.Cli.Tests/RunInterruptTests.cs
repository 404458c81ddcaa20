using System.Diagnostics;

namespace Reach.Cli.Tests;

/// <summary>Ctrl+C during <c>reach run</c> stops the run and seals its transcript as interrupted (REACH-2240).</summary>
public sealed class RunInterruptTests
{
    [Fact]
    public async Task Sigint_while_a_step_runs_seals_the_transcript_as_interrupted_and_it_verifies()
    {
        using var reach = new ReachProcess();
        var pack = Directory.CreateDirectory(Path.Combine(reach.Home, "sleeper")).FullName;
        File.WriteAllText(Path.Combine(pack, "pack.json"), """
            {"name":"sleeper","version":"1.0.0","description":"Sleeps, to be interrupted.",
             "tools":[{"name":"proc.exec","permissions":["proc:exec"]}],
             "steps":[{"id":"nap","tool":"proc.exec","input":{"command":"sleep","args":["60"]}},
                      {"id":"never","tool":"proc.exec","input":{"command":"true"}}],
             "budgets":{"max_steps":5}}
            """);
        var transcript = Path.Combine(reach.Home, "interrupted.jsonl");
        using var process = Process.Start(reach.StartInfo("run", pack, "--out", transcript, "--json"))!;

        // The step has started once its step.started line is in the transcript (fsynced or not, it is written).
        var started = Stopwatch.StartNew();
        while (!(File.Exists(transcript) && File.ReadAllText(transcript).Contains("\"step.started\"", StringComparison.Ordinal)))
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), "the run never started its step");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, Kill(process.Id, "INT"));
        var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(0, process.ExitCode);
        using var answer = JsonDocument.Parse(stdout);
        Assert.Equal("failed", answer.RootElement.GetProperty("status").GetString());
        var last = File.ReadAllLines(transcript).Last(l => l.Contains("\"run.finished\"", StringComparison.Ordinal));
        Assert.Contains("\"code\":\"REACH-2240\"", last, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(transcript), l => l.Contains("\"step.started\"", StringComparison.Ordinal));
        Assert.Equal(0, reach.Run("verify", transcript).ExitCode);
    }

    private static int Kill(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
