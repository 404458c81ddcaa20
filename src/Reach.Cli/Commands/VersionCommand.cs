using System.Reflection;
using System.Runtime.InteropServices;
using Reach.Core;

namespace Reach.Cli.Commands;

/// <summary><c>reach version</c>.</summary>
internal static class VersionCommand
{
    public static string Version => typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("version", "Print the version of reach, its engine and transcript format.\n\nExample:\n  reach version --json");
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteString("version", Version);
                    w.WriteString("engine", EngineInfo.Engine);
                    w.WriteNumber("format", EngineInfo.FormatVersion);
                    w.WriteString("runtime", RuntimeInformation.FrameworkDescription);
                });
            }
            else
            {
                context.Line($"reach {Version}  [grey]engine {EngineInfo.Engine}, transcript format {EngineInfo.FormatVersion}, {CommandContext.Escape(RuntimeInformation.FrameworkDescription)}[/]");
            }

            return 0;
        });
        return command;
    }
}
