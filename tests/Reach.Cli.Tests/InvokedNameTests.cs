using System.Diagnostics;

namespace Reach.Cli.Tests;

/// <summary>`next:` hints name the reach the user ran, `install-path` puts reach on PATH, template scripts find reach.</summary>
[Collection(InProcessRuns.Name)]
public sealed class InvokedNameTests
{
    [Fact]
    public void Next_hints_name_the_command_the_user_invoked()
    {
        using var cli = new InProcessCli();
        cli.Variables["REACH_INVOKED_AS"] = "./reach";
        var dir = Path.Combine(cli.Home, "demo");

        var init = cli.Run("pack", "init", "demo", "--dir", dir);
        var run = cli.Run("run", ReachProcess.Example("hello"));

        Assert.Contains($"next: ./reach pack validate {dir} && ./reach run {dir}", init.Stdout, StringComparison.Ordinal);
        Assert.Contains("next: ./reach verify ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_hints_say_reach_when_nothing_names_the_invoked_command()
    {
        using var cli = new InProcessCli();
        var result = cli.Run("run", ReachProcess.Example("hello"));
        Assert.Contains("next: reach verify ", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Install_path_links_the_checkouts_script_once_and_then_changes_nothing()
    {
        using var cli = new InProcessCli();
        var script = Path.Combine(cli.Home, "checkout", "reach");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, "#!/bin/sh\n");
        cli.Variables["REACH_SCRIPT"] = script;
        var bin = Path.Combine(cli.Home, "bin");
        cli.Variables["PATH"] = bin;

        var first = cli.Run("install-path", "--dir", bin, "--json");
        var again = cli.Run("install-path", "--dir", bin);

        using var json = JsonDocument.Parse(first.Stdout);
        Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
        Assert.True(json.RootElement.GetProperty("on_path").GetBoolean());
        Assert.Equal(script, new FileInfo(Path.Combine(bin, "reach")).LinkTarget);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("no changes", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Install_path_defaults_to_the_users_local_bin_and_says_when_it_is_not_on_path()
    {
        using var cli = new InProcessCli();
        var script = Path.Combine(cli.Home, "reach-script");
        File.WriteAllText(script, "#!/bin/sh\n");
        cli.Variables["REACH_SCRIPT"] = script;
        cli.Variables["PATH"] = "/usr/bin";

        var result = cli.Run("install-path");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(script, new FileInfo(Path.Combine(cli.Home, ".local", "bin", "reach")).LinkTarget);
        Assert.Contains("export PATH=", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Install_path_refuses_to_replace_another_file()
    {
        using var cli = new InProcessCli();
        cli.Variables["REACH_SCRIPT"] = Path.Combine(cli.Home, "reach-script");
        var bin = Directory.CreateDirectory(Path.Combine(cli.Home, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "reach"), "someone else's");

        var result = cli.Run("install-path", "--dir", bin);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error[REACH-9020]", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("someone else's", File.ReadAllText(Path.Combine(bin, "reach")));
    }

    [Fact]
    public void Install_path_without_the_checkout_script_is_a_coded_error()
    {
        using var cli = new InProcessCli();
        var result = cli.Run("install-path", "--dir", Path.Combine(cli.Home, "bin"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error[REACH-9021]", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_checkout_script_tells_the_cli_how_it_was_invoked()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root, "reach"));
        Assert.Contains("export REACH_INVOKED_AS", script, StringComparison.Ordinal);
        Assert.Contains("export REACH_SCRIPT=", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_replay_script_finds_reach_on_path_without_the_reach_variable()
    {
        using var reach = new ReachProcess();
        var dir = Path.Combine(reach.Home, "regress");
        Assert.Equal(0, reach.Run("pack", "init", "regress", "--template", "with-replay-tests", "--dir", dir).ExitCode);
        var bin = Directory.CreateDirectory(Path.Combine(reach.Home, "bin")).FullName;
        Shim(Path.Combine(bin, "reach"));

        var result = Shell(reach, Path.Combine(dir, "tests", "replay.sh"), bin);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    [Fact]
    public void The_replay_script_finds_the_reach_of_the_checkout_it_lies_in()
    {
        using var reach = new ReachProcess();
        var checkout = Directory.CreateDirectory(Path.Combine(reach.Home, "clone")).FullName;
        File.WriteAllText(Path.Combine(checkout, "Reach.slnx"), "<Solution />");
        Shim(Path.Combine(checkout, "reach"));
        var dir = Path.Combine(checkout, "packs", "regress");
        Assert.Equal(0, reach.Run("pack", "init", "regress", "--template", "with-replay-tests", "--dir", dir).ExitCode);

        var result = Shell(reach, Path.Combine(dir, "tests", "replay.sh"), Path.Combine(reach.Home, "empty"));

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    [Fact]
    public void The_replay_script_without_any_reach_says_how_to_get_one()
    {
        using var reach = new ReachProcess();
        var dir = Path.Combine(reach.Home, "regress");
        Assert.Equal(0, reach.Run("pack", "init", "regress", "--template", "with-replay-tests", "--dir", dir).ExitCode);

        var result = Shell(reach, Path.Combine(dir, "tests", "replay.sh"), Path.Combine(reach.Home, "empty"));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("install-path", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("REACH=", result.Stderr, StringComparison.Ordinal);
    }

    // A stand-in for a reach on PATH or a checkout's ./reach: the CLI built beside the tests.
    private static void Shim(string path)
    {
        File.WriteAllText(path, $"#!/bin/sh\nexec \"{Dotnet()}\" \"{Path.Combine(AppContext.BaseDirectory, "reach.dll")}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string Dotnet() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "dotnet"))
            .First(File.Exists);

    private static ReachProcess.Result Shell(ReachProcess reach, string script, string pathDirectory)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.Environment.Remove("REACH");
        start.Environment["PATH"] = $"{pathDirectory}:/usr/bin:/bin";
        start.Environment["REACH_HOME"] = reach.Home;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "replay.sh did not finish in 60 s");
        return new ReachProcess.Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
