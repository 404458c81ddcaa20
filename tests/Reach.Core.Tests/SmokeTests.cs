using Reach.Core.Engine;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void Hello_runs_verifies_and_replays()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Reach.slnx"))) root = Path.GetDirectoryName(root)!;
        var pack = PackLoader.Load(Path.Combine(root, "examples/packs/hello"), ToolRegistry.BuiltIn.Names);
        var output = new MemoryStream();
        var result = PackRun.Execute(pack, RunInputs.Resolve(pack.Manifest, null), new SessionOptionsTemplate
        {
            OpenTranscript = _ => output,
            Effects = new LiveEffects(() => new Workspace(Path.Combine(Path.GetTempPath(), "reach-smoke"))),
        });
        var bytes = output.ToArray();
        File.WriteAllBytes("/tmp/smoke/hello.jsonl", bytes);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        var report = TranscriptVerifier.Verify(new MemoryStream(bytes));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.Equal(result.Fingerprint, report.Fingerprint);
        var replay = Replayer.Replay(bytes, pack);
        Assert.True(replay.Ok, replay.Divergence?.LikelyCause);
    }
}
