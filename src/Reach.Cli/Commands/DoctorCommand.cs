using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Reach.Cli.Commands;

/// <summary><c>reach doctor</c>: checks what Reach and its later features need on this machine.</summary>
internal static class DoctorCommand
{
    private sealed record Check(string Name, bool Ok, bool Required, string Detail, string Fix);

    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("doctor", "Check the runtime, that REACH_HOME is writable, and the tools later features use (Node, Python, PostgreSQL client, minisign).\n\nExample:\n  reach doctor --json");
        command.SetAction(parse => Execute(new CommandContext(parse, environment)));
        return command;
    }

    private static int Execute(CommandContext context)
    {
        var checks = new List<Check>
        {
            new("runtime", Environment.Version.Major >= 10, true, RuntimeInformation.FrameworkDescription, "Install the .NET 10 runtime."),
            HomeCheck(context.Environment.Home),
            Tool("node", ["--version"], "Node.js (the canonicalization cross-check, the TypeScript SDK)", "apt-get install nodejs npm"),
            Tool("python3", ["--version"], "Python 3 (tools/verify_transcript.py, the Python SDK)", "apt-get install python3"),
            Tool("psql", ["--version"], "PostgreSQL client (the runner's PostgreSQL store)", "apt-get install postgresql-client"),
            Tool("minisign", ["-v"], "minisign (cross-checking pack signatures)", "apt-get install minisign"),
        };
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
                context.Line($"{mark} {c.Name,-9} {CommandContext.Escape(c.Detail)}");
                if (!c.Ok)
                {
                    context.Line($"           [grey]fix: {CommandContext.Escape(c.Fix)}[/]");
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

    private static Check Tool(string program, string[] args, string purpose, string fix)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = (process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd()).Trim();
            process.WaitForExit(5000);
            var firstLine = output.Split('\n')[0];
            return new Check(program, true, false, $"{purpose}: {firstLine}", fix);
        }
        catch (Win32Exception)
        {
            return new Check(program, false, false, $"{purpose}: not found", fix);
        }
    }
}
