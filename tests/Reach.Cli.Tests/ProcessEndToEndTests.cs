namespace Reach.Cli.Tests;

/// <summary>
/// Most CLI tests run the command in process (<see cref="ReachProcess.Run"/>); these run the real binary once per
/// command and hold it to the same answer, so the in-process harness cannot drift from what a user runs.
/// (<c>reach serve</c> and <c>reach mcp</c> have their own process tests: ServeCommandTests, Reach.Mcp.Tests.)
/// </summary>
public sealed class ProcessEndToEndTests
{
    public static TheoryData<string> Commands =>
    [
        "version",
        "help",
        "--help",
        "doctor --json",
        "pack validate examples/packs/hello --json",
        "policy lint policies/ci-strict/policy.json --json",
        "key list --json",
        "registry list --json",
        "connector list --json",
        "config show --json",
        "token list --json",
        "runs --json",
        "verify tests/golden/files-and-processes.v1.jsonl --json",
        "replay tests/golden/files-and-processes.v1.jsonl --json",
        "no-such-command",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_binary_answers_as_the_command_run_in_process(string command)
    {
        var args = command.Split(' ');
        using var reach = new ReachProcess();

        var inProcess = reach.Run(args);
        var binary = reach.RunProcess(args);

        // System.CommandLine names the root command after the executable: "reach" for the binary, the test host here.
        inProcess = inProcess with { Stdout = inProcess.Stdout.Replace("  " + System.CommandLine.RootCommand.ExecutableName + " ", "  reach ", StringComparison.Ordinal) };

        Assert.Equal((inProcess.ExitCode, inProcess.Stdout, inProcess.Stderr), (binary.ExitCode, binary.Stdout, binary.Stderr));
    }

    [Fact]
    public void Canonicalize_reads_standard_input_in_the_binary_as_in_process()
    {
        using var reach = new ReachProcess();

        var binary = reach.RunProcessWithInput("{\"b\":1,\"a\":[1e21,-0]}", "canonicalize", "-");

        Assert.Equal(0, binary.ExitCode);
        Assert.Equal("{\"a\":[1e+21,0],\"b\":1}", binary.Stdout);
        Assert.Equal(binary, reach.RunWithInput("{\"b\":1,\"a\":[1e21,-0]}", "canonicalize", "-"));
    }

    [Fact]
    public void A_run_by_the_binary_verifies_and_replays_by_the_binary()
    {
        using var reach = new ReachProcess();

        var run = reach.RunProcess("run", ReachProcess.Example("hello"), "--quiet");
        var transcript = Assert.Single(Directory.GetFiles(Path.Combine(reach.Home, "runs"), "*.jsonl"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(0, reach.RunProcess("verify", transcript, "--quiet").ExitCode);
        Assert.Equal(0, reach.RunProcess("replay", transcript, "--quiet").ExitCode);
    }
}
