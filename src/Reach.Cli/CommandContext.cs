using System.Diagnostics;
using System.Text.Encodings.Web;
using Reach.Configuration;
using Spectre.Console;

namespace Reach.Cli;

/// <summary>One invocation's settings and output: JSON or human, quiet, verbose, colors.</summary>
internal sealed class CommandContext
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ReachConfig? _config;

    public CommandContext(ParseResult parse, CliEnvironment environment)
    {
        Environment = environment;
        Json = parse.GetValue(GlobalOptions.Json);
        Quiet = parse.GetValue(GlobalOptions.Quiet);
        Verbose = parse.GetValue(GlobalOptions.Verbose);
        var color = !parse.GetValue(GlobalOptions.NoColor) && environment.Get("NO_COLOR") is null && environment.Interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Output),
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = environment.Interactive && !Json ? InteractionSupport.Detect : InteractionSupport.No,
        });
        Console.Profile.Width = environment.Width;
        Console.Profile.Height = environment.Height;
    }

    public CliEnvironment Environment { get; }

    /// <summary>
    /// The effective configuration (defaults, then <c>REACH_HOME/config.json</c>, then the environment), read once;
    /// a command's option wins over it. A malformed file or variable stops the command with its code.
    /// </summary>
    public ReachConfig Config => _config ??= ConfigLoader.Load(Environment.Home, Environment.Variables);

    /// <summary>
    /// The name the user ran reach by, for the <c>next:</c> hints: <c>REACH_INVOKED_AS</c> (the checkout's
    /// <c>./reach</c> script sets it to what it was run as), else <c>reach</c>.
    /// </summary>
    public string Invoked => InvokedName(Environment);

    public bool Json { get; }

    public bool Quiet { get; }

    public bool Verbose { get; }

    public IAnsiConsole Console { get; }

    /// <summary>True when human lines should be printed.</summary>
    public bool Human => !Json && !Quiet;

    public void Line(string markup)
    {
        if (Human)
        {
            Console.MarkupLine(markup);
        }
    }

    /// <summary>Writes a human line as plain text, never wrapped, so hashes and paths stay whole and copyable.</summary>
    public void Plain(string text)
    {
        if (Human)
        {
            Environment.Output.WriteLine(text);
        }
    }

    public void WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        Environment.Output.Write(Encoding.UTF8.GetString(stream.ToArray()));
        Environment.Output.Write('\n');
    }

    public void Timing(string what)
    {
        if (Verbose && !Json)
        {
            Environment.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalMilliseconds:F1} ms] {what}"));
        }
    }

    /// <summary>The name the user ran reach by: <c>REACH_INVOKED_AS</c>, else <c>reach</c>.</summary>
    public static string InvokedName(CliEnvironment environment) => environment.Get(InvokedVariable) ?? "reach";

    /// <summary>Set by the <c>./reach</c> script to the name it was run as.</summary>
    public const string InvokedVariable = "REACH_INVOKED_AS";

    public static string Escape(string? text) => Markup.Escape(text ?? string.Empty);
}
