using Reach.Packs.Install;

namespace Reach.Runner.Tests;

/// <summary>Runs and sessions name a pack installed in REACH_HOME/packs by NAME or NAME@VERSION, as well as by directory.</summary>
public class InstalledPackRunTests
{
    [Fact]
    public async Task An_installed_pack_runs_by_name_and_version()
    {
        await using var runner = await RunnerFixture.StartAsync();
        Install(runner.Home, "hello", "1.0.0");

        var byVersion = (await runner.SendPostAsync("/v1/runs", new { pack = "hello@1.0.0", inputs = new { name = "Ada" } })).Expect(HttpStatusCode.Accepted).Json;
        var finished = await RunsApiTests.FinishedAsync(runner, byVersion.GetProperty("run_id").GetString()!);
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal("hello", finished.GetProperty("pack").GetProperty("name").GetString());

        var session = (await runner.SendPostAsync("/v1/sessions", new { pack = "hello" })).Expect(HttpStatusCode.Created).Json;
        Assert.Equal("1.0.0", session.GetProperty("pack").GetProperty("version").GetString());

        // Another version is not installed, and the name is no directory: the loader's own error.
        (await runner.SendPostAsync("/v1/runs", new { pack = "hello@2.0.0" })).ExpectProblem(HttpStatusCode.BadRequest, "REACH-2001");
    }

    private static void Install(string home, string name, string version)
    {
        var packs = Path.Combine(home, "packs");
        var target = Path.Combine(packs, name, version);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(RunnerFixture.Example(name)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        var entry = new InstalledPack
        {
            Version = version,
            Digest = Core.Packs.PackDigest.Compute(target).ToString(),
            KeyId = "RWQTEST",
            Registry = "test",
            Path = Path.Combine(name, version),
            InstalledAt = "2026-11-25T12:00:00Z",
        };
        var lockFile = new InstallLock();
        lockFile.Packs[name] = entry;
        lockFile.Write(packs);
    }
}
