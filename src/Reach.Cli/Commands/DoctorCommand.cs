using System.ComponentModel;
using System.Diagnostics;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;

namespace Reach.Cli.Commands;

/// <summary><c>reach doctor</c>: checks what Reach and its later features need on this machine.</summary>
internal static class DoctorCommand
{
    private sealed record Check(string Name, bool Ok, bool Required, string Detail, string Fix);

    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("doctor", "Check the runtime, that REACH_HOME is writable, the tools some features use (.NET SDK, git, Node, npx, Python, PostgreSQL client, minisign) and whether this machine is online.\n\nExample:\n  reach doctor --json");
        command.SetAction(parse => Execute(new CommandContext(parse, environment)));
        return command;
    }

    private static int Execute(CommandContext context)
    {
        List<Check> checks;
        using (var progress = new ProgressLine(context, "checking the runtime, REACH_HOME, the tools and the network"))
        {
            checks =
            [
                new("runtime", Environment.Version.Major >= 10, true, RuntimeInformation.FrameworkDescription, "Install the .NET 10 runtime."),
                HomeCheck(context.Environment.Home),
                Tool("dotnet", ["--version"], "dotnet-sdk", ".NET SDK (./reach builds the CLI from a checkout)", "Install the .NET 10 SDK (global.json pins 10.0.x)."),
                Tool("git", ["--version"], "git", "git (git pack registries)", "apt-get install git"),
                Tool("node", ["--version"], "node", "Node.js (the canonicalization cross-check, the TypeScript SDK)", "apt-get install nodejs npm"),
                Tool("npx", ["--version"], "npx", "npx (MCP servers started as `npx …` connectors)", "apt-get install npm"),
                Tool("python3", ["--version"], "python3", "Python 3 (tools/verify_transcript.py, the Python SDK)", "apt-get install python3"),
                Tool("psql", ["--version"], "psql", "PostgreSQL client (the runner's PostgreSQL store)", "apt-get install postgresql-client"),
                Tool("minisign", ["-v"], "minisign", "minisign (cross-checking pack signatures)", "apt-get install minisign"),
                NetworkCheck(),
            ];
            progress.Succeeded();
        }

        var ok = checks.TrueForAll(c => c.Ok || !c.Required);
        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", ok);
                w.WriteStartArray("checks");
                foreach (var c in checks)
                {
                    w.WriteStartObject();
                    w.WriteString("name", c.Name);
                    w.WriteBoolean("ok", c.Ok);
                    w.WriteBoolean("required", c.Required);
                    w.WriteString("detail", c.Detail);
                    if (!c.Ok)
                    {
                        w.WriteString("fix", c.Fix);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }
        else
        {
            foreach (var c in checks)
            {
                var mark = c.Ok ? "[green]ok[/]  " : c.Required ? "[red]FAIL[/]" : "[yellow]warn[/]";
                context.Line($"{mark} {CommandContext.Escape(c.Name.PadRight(10))} {CommandContext.Escape(c.Detail)}");
                if (!c.Ok)
                {
                    context.Line($"                 [grey]fix: {CommandContext.Escape(c.Fix)}[/]");
                }
            }
        }

        return ok ? 0 : ErrorCatalog.HomeNotWritable.ExitCode;
    }

    private static Check HomeCheck(string home)
    {
        try
        {
            Directory.CreateDirectory(home);
            var probe = Path.Combine(home, $".doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return new Check("home", true, true, $"REACH_HOME {home} is writable", string.Empty);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Check("home", false, true, $"REACH_HOME {home}: {ex.Message}", ErrorCatalog.HomeNotWritable.Fix);
        }
    }

    // Offline is a fact to know, not a failure: Reach works offline; only http.get, registries elsewhere and npx
    // downloads need a network. Judged from the interfaces alone, so that doctor itself sends nothing.
    private static Check NetworkCheck()
    {
        var online = NetworkInterface.GetIsNetworkAvailable() && NetworkInterface.GetAllNetworkInterfaces().Any(n =>
            n.OperationalStatus == OperationalStatus.Up
            && n.NetworkInterfaceType != NetworkInterfaceType.Loopback
            && n.GetIPProperties().GatewayAddresses.Count > 0);
        return online
            ? new Check("network", true, false, "online: an interface with a gateway is up (http.get, remote registries and npx can reach out)", string.Empty)
            : new Check("network", false, false, "offline: no interface with a gateway is up; Reach works offline, but http.get, registries on other machines and npx downloads will fail", "Connect to a network when a pack needs http.get or a registry is remote; nothing else needs one.");
    }

    private static Check Tool(string program, string[] args, string name, string purpose, string fix)
    {
        try
        {
            // No terminal for the tool either: a .NET tool given one writes the same keypad escape to it.
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return new Check(name, false, false, $"{purpose}: did not answer {program} {string.Join(' ', args)} within 10 s", fix);
            }

            var output = (stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult()).Trim();
            var firstLine = output.Split('\n')[0];
            return process.ExitCode == 0
                ? new Check(name, true, false, $"{purpose}: {firstLine}", fix)
                : new Check(name, false, false, $"{purpose}: {firstLine}", fix);
        }
        catch (Win32Exception)
        {
            return new Check(name, false, false, $"{purpose}: not found", fix);
        }
    }
}
