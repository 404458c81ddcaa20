using Reach.Packs.Install;
using Reach.Packs.Keys;
using Reach.Packs.Registry;
using Reach.Packs.Signing;
using Spectre.Console;

namespace Reach.Cli.Commands;

/// <summary><c>reach pack install &lt;name&gt;[@version]</c>: fetch, check, verify, then place under REACH_HOME/packs.</summary>
internal static class PackInstallCommand
{
    private const long ProgressThresholdBytes = 4L * 1024 * 1024;

    public static Command Create(CliEnvironment environment)
    {
        var spec = new Argument<string>("pack") { Description = "NAME or NAME@VERSION (default: the newest version)" };
        var registry = new Option<string?>("--registry", "-r") { Description = "Install from this registry only (default: the first that has the pack)" };
        var allowDowngrade = new Option<bool>("--allow-downgrade") { Description = "Install a version older than the installed one (a deliberate rollback)" };
        var command = new Command("install", "Install a pack from the registries: its archive, digest and signature (by a key you trust) are checked before anything is written to REACH_HOME/packs.\n\nExample:\n  reach pack install hello@1.0.0")
        {
            spec, registry, allowDowngrade,
        };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var home = new ReachHome(environment.Home);
            var config = new RegistryConfig(home.RegistriesFile);
            var registries = parse.GetValue(registry) is { } only ? [config.Get(only).Open()] : config.List().ConvertAll(r => r.Open());
            var (source, entry) = PackInstaller.Find(registries, parse.GetValue(spec)!);
            var installer = new PackInstaller(home.Packs, new KeyStore(home.Keys).Trusted(), new SignatureCache(home.SignatureCacheFile));
            var result = context.Human && environment.Interactive
                ? WithProgress(context, installer, source, entry, parse.GetValue(allowDowngrade))
                : installer.Install(source, entry, parse.GetValue(allowDowngrade));
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteString("name", result.Name);
                    w.WriteString("version", result.Version);
                    w.WriteString("digest", result.Digest);
                    w.WriteString("key_id", result.KeyId);
                    w.WriteString("signer", result.Signer);
                    w.WriteString("registry", result.Registry);
                    w.WriteString("path", result.Directory);
                    w.WriteString("previous_version", result.PreviousVersion);
                    w.WriteBoolean("already_installed", result.AlreadyInstalled);
                });
            }
            else
            {
                var verb = result.AlreadyInstalled ? "[grey]already installed[/]" : "[green]installed[/]";
                context.Line($"{verb} {CommandContext.Escape(result.Name)}@{CommandContext.Escape(result.Version)} from {CommandContext.Escape(result.Registry)}, signed by [bold]{CommandContext.Escape(result.Signer)}[/] ({result.KeyId})");
                if (result.PreviousVersion is { } previous && !result.AlreadyInstalled)
                {
                    context.Plain($"replaces     {result.Name}@{previous}");
                }

                context.Plain($"digest       {result.Digest}");
                context.Plain($"path         {result.Directory}");
                context.Plain($"next: {context.Invoked} run {result.Name}");
            }

            return 0;
        });
        return command;
    }

    /// <summary>An installed pack's directory when <paramref name="spec"/> (NAME or NAME@VERSION) is not a directory; else <paramref name="spec"/>.</summary>
    public static string ResolveInstalled(ReachHome home, string spec)
    {
        if (Directory.Exists(spec) || !File.Exists(Path.Combine(home.Packs, InstallLock.FileName)))
        {
            return spec;
        }

        var (name, version) = PackSpec.Parse(spec);
        return InstallLock.Read(home.Packs).Packs.TryGetValue(name, out var installed) && (version is null || installed.Version == version)
            ? Path.Combine(home.Packs, installed.Path)
            : spec;
    }

    private static InstallResult WithProgress(CommandContext context, PackInstaller installer, IPackRegistry source, RegistryEntry entry, bool allowDowngrade)
    {
        InstallResult? result = null;
        context.Console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn())
            .Start(progress =>
            {
                ProgressTask? task = null;
                result = installer.Install(
                    source,
                    entry,
                    allowDowngrade,
                    started: total => task = total >= ProgressThresholdBytes ? progress.AddTask($"{entry.Name}@{entry.Version}", maxValue: total) : null,
                    progress: bytes => task?.Increment(bytes));
            });
        return result!;
    }
}
