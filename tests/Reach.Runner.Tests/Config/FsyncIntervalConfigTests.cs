using Reach.Configuration;
using Reach.Storage;

namespace Reach.Runner.Tests.Config;

/// <summary>The runner's session transcripts are fsynced as often as <c>fsync_interval_ms</c> (or its variable) says.</summary>
public sealed class FsyncIntervalConfigTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("reach-fsync-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    [Theory]
    [InlineData(null, 250)]
    [InlineData("0", 0)]
    public async Task A_session_transcript_is_written_with_the_configured_fsync_interval(string? variable, int expected)
    {
        var packs = JsonSerializer.Serialize(RunnerFixture.Example("hello"));
        await File.WriteAllTextAsync(Path.Combine(_home, "config.json"), $$"""{"fsync_interval_ms":250,"pack_directories":[{{packs}}]}""", TestContext.Current.CancellationToken);
        var environment = variable is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [ReachConfig.FsyncIntervalVariable] = variable };
        await using var registry = new SessionRegistry(_home, new InMemoryRunnerStore(), ConfigLoader.Load(_home, environment));
        using var name = JsonDocument.Parse("\"hello\"");

        var setup = registry.Prepare("acme", name.RootElement, null, null, null);
        var (template, _) = registry.Template("acme", setup, StoredSession.SessionKind);

        Assert.Equal(TimeSpan.FromMilliseconds(expected), template.WriterOptions.FsyncInterval);
    }
}
