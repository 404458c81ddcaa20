using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Transcripts;

public class TranscriptDepthTests
{
    private sealed class CountingRandom : IRandomSource
    {
        private byte _next;

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = _next++;
            }
        }
    }

    private static byte[] Nested(int depth) =>
        System.Text.Encoding.UTF8.GetBytes(new string('[', depth - 1) + "{}" + new string(']', depth - 1));

    private static TranscriptHeader Header() => new()
    {
        RunId = "00000000000000000000000000000000",
        PackName = "depth",
        PackVersion = "1.0.0",
        PackDigest = Sha256Digest.Empty,
        InputsDigest = Sha256Digest.Empty,
        PolicyDigest = Sha256Digest.Empty,
    };

    [Fact]
    public void Data_as_deep_as_the_writer_accepts_still_verifies()
    {
        var stream = new MemoryStream();
        using (var writer = new TranscriptWriter(stream, Header(), new CountingRandom()))
        {
            writer.Append("deep", Nested(64));
            writer.Seal();
        }

        var report = TranscriptVerifier.Verify(new MemoryStream(stream.ToArray()));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.Equal(1, report.Events);
    }

    [Fact]
    public void Data_deeper_than_the_limit_is_refused_by_the_writer()
    {
        using var writer = new TranscriptWriter(new MemoryStream(), Header(), new CountingRandom());
        var error = Assert.Throws<ReachException>(() => writer.Append("deep", Nested(65)));
        Assert.Equal(ErrorCatalog.JsonTooDeep, error.Error);
        Assert.Equal(0, writer.Count);
    }
}

public class DeepToolOutputTests
{
    [Fact]
    public void A_tool_output_too_deep_to_record_becomes_a_recorded_tool_error()
    {
        var dir = Directory.CreateTempSubdirectory("reach-deep-").FullName;
        try
        {
            var deep = new string('[', 70) + new string(']', 70);
            File.WriteAllText(Path.Combine(dir, "pack.json"), "{\"name\":\"deep\",\"version\":\"1.0.0\",\"tools\":[{\"name\":\"echo\"}],\"steps\":[{\"id\":\"a\",\"tool\":\"echo\",\"input\":{\"text\":\"x\"}}]}");
            var pack = Reach.Core.Packs.PackLoader.Load(dir, Reach.Core.Tools.ToolRegistry.BuiltIn.Names);
            var output = new MemoryStream();
            var effects = new Reach.Core.Engine.LiveEffects(() => new Reach.Core.Tools.Workspace(Path.Combine(dir, "ws")));
            var tools = new Reach.Core.Tools.ToolRegistry([new DeepTool(deep)]);
            var result = TestRuns.Execute(pack, Reach.Core.Engine.RunInputs.Resolve(pack.Manifest, null), new Reach.Core.Engine.SessionOptionsTemplate
            {
                OpenTranscript = _ => output,
                Effects = effects,
                Tools = tools,
            });
            Assert.Equal(Reach.Core.Engine.RunStatus.Failed, result.Status);
            Assert.Equal(ErrorCatalog.JsonTooDeep, result.Code);
            Assert.True(TranscriptVerifier.Verify(new MemoryStream(output.ToArray())).Ok);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class DeepTool(string json) : Reach.Core.Tools.ITool
    {
        public string Name => "echo";

        public IReadOnlyList<string> RequiredPermissions => [];

        public bool Deterministic => true;

        public ValueTask<System.Text.Json.JsonElement> ExecuteAsync(System.Text.Json.JsonElement input, Reach.Core.Tools.ToolContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Execute());

        private System.Text.Json.JsonElement Execute()
        {
            using var document = System.Text.Json.JsonDocument.Parse(json, new System.Text.Json.JsonDocumentOptions { MaxDepth = 256 });
            return document.RootElement.Clone();
        }
    }
}
