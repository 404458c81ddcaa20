using Reach.Core.Json;

namespace Reach.Cli.Commands;

/// <summary><c>reach canonicalize [FILE|-]</c>: prints the RFC 8785 canonical form of a JSON document.</summary>
internal static class CanonicalizeCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = new Argument<string?>("file") { Description = "The JSON file, or - for standard input (the default)", Arity = ArgumentArity.ZeroOrOne };
        var newline = new Option<bool>("--newline") { Description = "End the output with a newline" };
        var command = new Command("canonicalize", "Print the RFC 8785 canonical form of a JSON document (no trailing newline unless --newline).\n\nExample:\n  echo '{\"b\":1,\"a\":[1e21,-0]}' | reach canonicalize -")
        {
            file, newline,
        };
        command.SetAction(parse => Execute(new CommandContext(parse, environment), parse.GetValue(file) ?? "-", parse.GetValue(newline)));
        return command;
    }

    private static int Execute(CommandContext context, string file, bool newline)
    {
        byte[] input;
        try
        {
            input = file == "-" ? Encoding.UTF8.GetBytes(context.Environment.Input.ReadToEnd()) : File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ReachException(ErrorCatalog.InputFileNotFound, $"No file at '{file}'.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.IoFailed, $"'{file}' cannot be read: {ex.Message}");
        }

        // The canonical form is the output asked for: printed under --quiet too (docs/CLI.md, "Output").
        var canonical = CanonicalJson.Canonicalize(input);
        context.Environment.Output.Write(Encoding.UTF8.GetString(canonical));
        if (newline)
        {
            context.Environment.Output.Write('\n');
        }

        context.Environment.Output.Flush();

        return 0;
    }
}
