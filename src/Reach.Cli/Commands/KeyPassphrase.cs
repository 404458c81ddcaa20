using Spectre.Console;

namespace Reach.Cli.Commands;

/// <summary>Where a key passphrase comes from: REACH_KEY_PASSPHRASE, else a prompt on a terminal, else REACH-5103.</summary>
internal static class KeyPassphrase
{
    public const string Variable = ReachVariables.KeyPassphrase;

    public static string Read(CommandContext context, string keyName, bool confirm)
    {
        if (context.Environment.Get(Variable) is { } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (!context.Environment.Interactive || context.Json)
        {
            throw new ReachException(ErrorCatalog.KeyPassphraseRequired, $"The key '{keyName}' needs a passphrase: set {Variable}, or run on a terminal to be prompted{(confirm ? ", or pass --unencrypted for a CI key" : "")}.");
        }

        var prompt = new TextPrompt<string>($"Passphrase for the key [bold]{CommandContext.Escape(keyName)}[/]:").Secret();
        var passphrase = context.Console.Prompt(prompt);
        if (confirm && context.Console.Prompt(new TextPrompt<string>("Repeat it:").Secret()) != passphrase)
        {
            throw new ReachException(ErrorCatalog.KeyPassphraseWrong, "The two passphrases differ.");
        }

        return passphrase;
    }
}
