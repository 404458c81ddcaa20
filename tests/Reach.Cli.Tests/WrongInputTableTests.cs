using System.Net;
using System.Net.Sockets;

namespace Reach.Cli.Tests;

/// <summary>
/// Every command that takes a path or a number, fed the mistakes a user makes (a missing file, a file where a
/// directory goes, text that is not JSON, a word where a number goes, a busy port): one coded error with its exit code
/// and a fix, and never a stack trace.
/// </summary>
public class WrongInputTableTests
{
    // {missing}: a path that does not exist; {file}: an existing text file; {bad}: a file holding "{ not json";
    // {dir}: an empty directory; {hello}: the hello example; {port}: a port another socket holds.
    public static TheoryData<string, string, int> Cases => new()
    {
        { "run {missing}", "REACH-2001", 2 },
        { "run {file}", "REACH-2001", 2 },
        { "run {dir}", "REACH-2001", 2 },
        { "run {hello} --fsync-interval abc", "REACH-9003", 2 },
        { "run {hello} --input @{missing}", "REACH-2105", 2 },
        { "verify {missing}", "REACH-1105", 2 },
        { "verify {bad}", "REACH-1101", 2 },
        { "verify {dir}", "REACH-1105", 2 },
        { "replay {missing}", "REACH-1105", 2 },
        { "replay {bad}", "REACH-1101", 2 },
        { "canonicalize {missing}", "REACH-9030", 2 },
        { "canonicalize {bad}", "REACH-1001", 2 },
        { "pack validate {missing}", "REACH-2001", 2 },
        { "pack validate {file}", "REACH-2001", 2 },
        { "pack sign {missing}", "REACH-2001", 2 },
        { "pack verify {missing}", "REACH-2001", 2 },
        { "policy eval {missing} --call {missing}", "REACH-3101", 2 },
        { "policy eval {bad} --call {missing}", "REACH-3102", 2 },
        { "policy lint {missing}", "REACH-3101", 2 },
        { "policy lint {bad}", "REACH-3303", 1 },
        { "policy decisions {missing}", "REACH-1105", 2 },
        { "policy explain {missing} --transcript {missing} --event 1", "REACH-3101", 2 },
        { "policy explain {missing} --event x", "REACH-9003", 2 },
        { "key import {missing}", "REACH-9030", 2 },
        { "runs --limit many", "REACH-9003", 2 },
        { "serve --urls http://127.0.0.1:{port}", "REACH-9010", 3 },
        { "serve --urls http://127.0.0.1:99999", "REACH-4007", 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_typical_wrong_input_is_one_coded_error_with_its_exit_code(string line, string code, int exit)
    {
        using var reach = new ReachProcess();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var dir = Directory.CreateDirectory(Path.Combine(reach.Home, "empty")).FullName;
        var file = Path.Combine(reach.Home, "notes.txt");
        File.WriteAllText(file, "just text\n");
        var bad = Path.Combine(reach.Home, "bad.json");
        File.WriteAllText(bad, "{ not json\n");
        var args = line.Split(' ').Select(a => a
            .Replace("{missing}", Path.Combine(reach.Home, "missing.json"), StringComparison.Ordinal)
            .Replace("{file}", file, StringComparison.Ordinal)
            .Replace("{bad}", bad, StringComparison.Ordinal)
            .Replace("{dir}", dir, StringComparison.Ordinal)
            .Replace("{hello}", ReachProcess.Example("hello"), StringComparison.Ordinal)
            .Replace("{port}", ((IPEndPoint)holder.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToArray();

        var result = reach.Run(args);

        Assert.True(exit == result.ExitCode, $"reach {line}: exit {result.ExitCode}, expected {exit}\n{result.Stderr}");
        // verify and lint put the code in their own status line (FAILED[…], a summary); every one has a fix line.
        var output = result.Stdout + result.Stderr;
        Assert.Contains($"[{code}]", output, StringComparison.Ordinal);
        Assert.Contains("fix: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", output, StringComparison.Ordinal);
    }
}
