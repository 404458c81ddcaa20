using System.Diagnostics;
using System.Text;

namespace Reach.Cli.Tests;

/// <summary>One --quiet rule for every command: errors (on stderr) and the requested output, nothing else.</summary>
[Collection(InProcessRuns.Name)]
public sealed class QuietRuleTests
{
    [Fact]
    public void Canonicalize_quiet_still_prints_the_canonical_form()
    {
        using var cli = new InProcessCli();
        var result = cli.RunWithInput("{\"b\":1,\"a\":[1e21,-0]}", "canonicalize", "-", "--quiet");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"a\":[1e+21,0],\"b\":1}", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Policy_test_quiet_prints_nothing_when_every_case_passes()
    {
        using var cli = new InProcessCli();
        var result = cli.Run("policy", "test", Path.Combine(Repository.Root, "policies"), "--quiet");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Policy_test_quiet_prints_a_failure_as_a_coded_error_on_stderr_only()
    {
        using var cli = new InProcessCli();
        var suite = CopyBudgetedWithAWrongExpectation(cli.Home);

        var result = cli.Run("policy", "test", suite, "--quiet");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith("error[REACH-", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("FAIL echo has no limit", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("  fix: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_denied_run_and_a_failed_verification_both_print_their_coded_error_under_quiet()
    {
        using var cli = new InProcessCli();
        var denied = cli.Run("run", ReachProcess.Example("denied"), "--quiet");
        var transcript = Path.Combine(cli.Home, "bad.jsonl");
        File.WriteAllText(transcript, "{\"not\":\"a transcript\"}\n");
        var verify = cli.Run("verify", transcript, "--quiet");

        foreach (var result in new[] { denied, verify })
        {
            Assert.NotEqual(0, result.ExitCode);
            Assert.Equal(string.Empty, result.Stdout);
            Assert.Matches(@"^error\[REACH-\d{4}\]: ", result.Stderr);
            Assert.Contains("\n  fix: ", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Serve_json_verbose_keeps_the_logs_off_stdout()
    {
        using var reach = new ReachProcess();
        var (stdout, stderr) = ServeUntilSigterm(reach, "serve", "--urls", "http://127.0.0.1:0", "--json", "--verbose");

        using var document = JsonDocument.Parse(stdout);
        Assert.True(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains("Application", stderr, StringComparison.Ordinal);
    }

    // Starts reach serve, reads its JSON document, then stops it with SIGTERM: stopping logs at Information too.
    private static (string Stdout, string Stderr) ServeUntilSigterm(ReachProcess reach, params string[] args)
    {
        using var process = Process.Start(reach.StartInfo(args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var json = new StringBuilder();
        for (var line = process.StandardOutput.ReadLine(); line is not null; line = process.StandardOutput.ReadLine())
        {
            json.Append(line).Append('\n');
            if (line == "}" || json.Length > 100_000)
            {
                break;
            }
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        json.Append(process.StandardOutput.ReadToEnd());
        Assert.True(process.WaitForExit(30_000), "reach serve did not stop on SIGTERM");
        return (json.ToString(), stderr.Result);
    }

    private static string CopyBudgetedWithAWrongExpectation(string home)
    {
        var target = Path.Combine(home, "budgeted");
        Directory.CreateDirectory(Path.Combine(target, "tests"));
        File.Copy(Path.Combine(Repository.Root, "policies", "budgeted", "policy.json"), Path.Combine(target, "policy.json"));
        var cases = File.ReadAllText(Path.Combine(Repository.Root, "policies", "budgeted", "tests", "cases.json"));
        var broken = cases.Replace("\"calls\": { \"echo\": 100 } }, \"expect\": \"permit\"", "\"calls\": { \"echo\": 100 } }, \"expect\": \"deny\"", StringComparison.Ordinal);
        Assert.NotEqual(cases, broken);
        File.WriteAllText(Path.Combine(target, "tests", "cases.json"), broken);
        return target;
    }
}
