using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Engine;

/// <summary>The example packs run as documented, gates that fail deny on the record, and replay names what changed.</summary>
public sealed class EngineTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("reach-engine-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void The_hello_pack_succeeds_with_a_greeting()
    {
        var pack = LoadExample("hello");

        var run = Run(pack);

        Assert.Equal(RunStatus.Succeeded, run.Result.Status);
        Assert.Null(run.Result.Code);
        Assert.Contains("Hello, world!", run.Result.Output!.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("Hello, world!", run.Result.Output.Value.GetProperty("greeting").GetString());
        Assert.Equal(Sha256Digest.Compute("Hello, world!"u8).ToString(), run.Result.Output.Value.GetProperty("sha256").GetString());
        AssertVerifies(run);
    }

    [Fact]
    public void The_hello_pack_greets_the_name_it_is_given()
    {
        var pack = LoadExample("hello");

        var run = Run(pack, """{"name":"Ada"}""");

        Assert.Equal(RunStatus.Succeeded, run.Result.Status);
        Assert.Equal("Hello, Ada!", run.Result.Output!.Value.GetProperty("greeting").GetString());
    }

    [Fact]
    public void The_hello_pack_records_every_call_on_the_one_path()
    {
        var pack = LoadExample("hello");

        var run = Run(pack);

        var types = Events(run.Transcript).Select(e => e.Type).ToArray();
        string[] call = [EventTypes.StepStarted, EventTypes.PolicyDecision, EventTypes.BudgetDecision, EventTypes.ToolResult];
        Assert.Equal([EventTypes.RunStarted, .. call, .. call, .. call, EventTypes.RunFinished], types);
        Assert.Equal(types.Length, run.Result.Events);
    }

    [Fact]
    public void The_files_and_processes_pack_succeeds_and_leaves_its_note_in_the_workspace()
    {
        var pack = LoadExample("files-and-processes");

        var run = Run(pack);

        Assert.Equal(RunStatus.Succeeded, run.Result.Status);
        var note = Path.Combine(run.Workspace, "notes", "note.txt");
        Assert.True(File.Exists(note));
        Assert.Equal("Reach records every tool call.\n", File.ReadAllText(note));
        Assert.Equal(31, run.Result.Output!.Value.GetProperty("bytes").GetInt32());
        Assert.Contains("31", run.Result.Output.Value.GetProperty("wc").GetString(), StringComparison.Ordinal);
        AssertVerifies(run);
    }

    [Fact]
    public void The_denied_pack_ends_denied_at_the_undeclared_step()
    {
        var pack = LoadExample("denied");

        var run = Run(pack);

        Assert.Equal(RunStatus.Denied, run.Result.Status);
        Assert.Equal(ErrorCatalog.ToolNotDeclared, run.Result.Code);
        Assert.Equal("list", run.Result.StepId);
        Assert.Equal("policy", run.Result.Gate);
        Assert.Equal([DeclaredToolsPolicyGate.DeclaredToolRule], run.Result.Rules);
        var events = Events(run.Transcript);
        Assert.Equal(EventTypes.PolicyDecision, events[^2].Type);
        Assert.Equal("deny", events[^2].Data.GetProperty("effect").GetString());
        Assert.Equal(EventTypes.RunFinished, events[^1].Type);
        Assert.Equal("denied", events[^1].Data.GetProperty("status").GetString());
        Assert.Equal("REACH-2201", events[^1].Data.GetProperty("code").GetString());
        Assert.DoesNotContain(events, e => e.Type == EventTypes.ToolResult && e.Data.GetProperty("tool").GetString() == "proc.exec");
        Assert.False(Directory.Exists(run.Workspace), "proc.exec never ran, so no workspace was made");
        AssertVerifies(run);
    }

    [Fact]
    public void A_policy_gate_that_throws_denies_and_the_denial_is_recorded()
    {
        var pack = LoadExample("hello");

        var run = Run(pack, policy: new ThrowingGate());

        Assert.Equal(RunStatus.Denied, run.Result.Status);
        Assert.Equal(ErrorCatalog.PolicyGateFailed, run.Result.Code);
        Assert.Equal("greet", run.Result.StepId);
        Assert.Contains("gate is broken", run.Result.Reason, StringComparison.Ordinal);
        var events = Events(run.Transcript);
        var decision = Assert.Single(events, e => e.Type == EventTypes.PolicyDecision);
        Assert.Equal("deny", decision.Data.GetProperty("effect").GetString());
        Assert.Equal("REACH-2203", decision.Data.GetProperty("code").GetString());
        Assert.DoesNotContain(events, e => e.Type is EventTypes.BudgetDecision or EventTypes.ToolResult);
        var report = TranscriptVerifier.Verify(new MemoryStream(run.Transcript));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.Equal(new ThrowingGate().Digest, report.Header!.PolicyDigest);
    }

    [Fact]
    public void A_policy_gate_that_returns_no_decision_denies()
    {
        var pack = LoadExample("hello");

        var run = Run(pack, policy: new SilentGate());

        Assert.Equal(RunStatus.Denied, run.Result.Status);
        Assert.Equal(ErrorCatalog.PolicyGateFailed, run.Result.Code);
        Assert.True(TranscriptVerifier.Verify(new MemoryStream(run.Transcript)).Ok);
    }

    [Fact]
    public void The_transcript_stream_is_opened_once_with_the_run_id()
    {
        var pack = LoadExample("hello");
        var opened = new List<string>();
        var output = new MemoryStream();

        var result = TestRuns.Execute(pack, RunInputs.Resolve(pack.Manifest, null), Options(_ => output, opened));

        Assert.Equal([result.RunId], opened);
        Assert.Matches("^[0-9a-f]{32}$", result.RunId);
        Assert.Equal(result.RunId, TranscriptVerifier.Verify(new MemoryStream(output.ToArray())).Header!.RunId);
    }

    [Fact]
    public void The_observer_is_told_of_every_event_in_order()
    {
        var pack = LoadExample("hello");
        var seen = new List<RunProgress>();
        var output = new MemoryStream();

        var result = TestRuns.Execute(pack, RunInputs.Resolve(pack.Manifest, null), Options(_ => output) with { Observer = seen.Add });

        Assert.Equal(Enumerable.Range(0, (int)result.Events).Select(i => (long)i), seen.Select(p => p.Seq));
        Assert.Equal(Events(output.ToArray()).Select(e => e.Type), seen.Select(p => p.Type));
    }

    [Fact]
    public void Replay_of_a_run_reproduces_its_fingerprint()
    {
        var pack = LoadExample("files-and-processes");
        var run = Run(pack);

        var report = TestRuns.Replay(run.Transcript, pack);

        Assert.True(report.Ok, report.Divergence?.LikelyCause);
        Assert.Equal(run.Result.Fingerprint, report.Fingerprint);
        Assert.Equal(run.Result.Fingerprint, report.RecordedFingerprint);
        Assert.Equal(3, report.Fed);
        Assert.Equal(1, report.ReExecuted);
    }

    [Fact]
    public void Replay_after_the_pack_changed_names_the_pack_digest_change()
    {
        var directory = CopyExample("hello");
        var before = PackLoader.Load(directory, ToolRegistry.BuiltIn.Names);
        var run = Run(before);
        File.WriteAllText(Path.Combine(directory, "NOTES.md"), "A file added after the run.\n");
        var after = PackLoader.Load(directory, ToolRegistry.BuiltIn.Names);

        var report = TestRuns.Replay(run.Transcript, after);

        Assert.False(report.Ok);
        var divergence = report.Divergence!;
        Assert.Equal(DivergenceKind.HeaderChanged, divergence.Kind);
        Assert.Contains("pack digest", divergence.LikelyCause, StringComparison.Ordinal);
        Assert.Contains(before.Digest.ToString(), divergence.LikelyCause, StringComparison.Ordinal);
        Assert.Contains(after.Digest.ToString(), divergence.LikelyCause, StringComparison.Ordinal);
        Assert.NotEqual(report.RecordedFingerprint, report.Fingerprint);
    }

    [Fact]
    public void Replay_where_a_deterministic_tool_gives_another_output_names_the_first_tool_result()
    {
        var pack = LoadExample("hello");
        var run = Run(pack);
        var changed = new ToolRegistry(ToolRegistry.BuiltIn.Names
            .Select(name => name == "text.template" ? new ShoutingTemplateTool() : ToolRegistry.BuiltIn.Find(name)!));

        var report = TestRuns.Replay(run.Transcript, pack, tools: changed);

        var divergence = report.Divergence!;
        Assert.Equal(DivergenceKind.ChangedEvent, divergence.Kind);
        Assert.Equal(4, divergence.Seq);
        Assert.Equal(EventTypes.ToolResult, Events(run.Transcript)[4].Type);
        Assert.Contains("deterministic tool 'text.template'", divergence.LikelyCause, StringComparison.Ordinal);
        Assert.Contains("Hello, world!", divergence.Recorded, StringComparison.Ordinal);
        Assert.Contains("HELLO, WORLD!", divergence.Replayed, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_after_the_template_was_edited_names_the_step_whose_input_changed()
    {
        var directory = CopyExample("hello");
        var before = PackLoader.Load(directory, ToolRegistry.BuiltIn.Names);
        var run = Run(before);
        var manifest = Path.Combine(directory, "pack.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("Hello, {{name}}!", "Howdy, {{name}}!", StringComparison.Ordinal));
        var after = PackLoader.Load(directory, ToolRegistry.BuiltIn.Names);

        var report = TestRuns.Replay(run.Transcript, after);

        var divergence = report.Divergence!;
        Assert.Equal(DivergenceKind.ChangedEvent, divergence.Kind);
        Assert.Equal(1, divergence.Seq);
        Assert.Contains("pack digest", divergence.LikelyCause, StringComparison.Ordinal);
        Assert.Contains("input changed", divergence.LikelyCause, StringComparison.Ordinal);
        Assert.Contains("Howdy", divergence.Replayed, StringComparison.Ordinal);
    }

    private static LoadedPack LoadExample(string name) =>
        PackLoader.Load(Path.Combine(Repository.Root, "examples", "packs", name), ToolRegistry.BuiltIn.Names);

    private string CopyExample(string name)
    {
        var source = Path.Combine(Repository.Root, "examples", "packs", name);
        var target = Path.Combine(_temp, "packs", name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    private SessionOptionsTemplate Options(Func<string, Stream> open, List<string>? opened = null, IPolicyGate? policy = null) => new()
    {
        OpenTranscript = runId =>
        {
            opened?.Add(runId);
            return open(runId);
        },
        Effects = new LiveEffects(() => new Workspace(Path.Combine(_temp, "workspace"))),
        Policy = policy ?? DeclaredToolsPolicyGate.Instance,
        Clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(3) },
        Random = new SplitMix64(20250304),
    };

    private Recorded Run(LoadedPack pack, string? inputs = null, IPolicyGate? policy = null)
    {
        var output = new MemoryStream();
        var result = TestRuns.Execute(pack, RunInputs.Resolve(pack.Manifest, RunInputs.ParseText(inputs)), Options(_ => output, policy: policy));
        return new Recorded(result, output.ToArray(), Path.Combine(_temp, "workspace"));
    }

    private static void AssertVerifies(Recorded run)
    {
        var report = TranscriptVerifier.Verify(new MemoryStream(run.Transcript));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.Equal(run.Result.Fingerprint, report.Fingerprint);
        Assert.Equal(run.Result.Events, report.Events);
    }

    private static List<(string Type, JsonElement Data)> Events(byte[] transcript)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var line in Encoding.UTF8.GetString(transcript).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("seq", out _))
            {
                events.Add((document.RootElement.GetProperty("type").GetString()!, document.RootElement.GetProperty("data").Clone()));
            }
        }

        return events;
    }

    private sealed record Recorded(RunResult Result, byte[] Transcript, string Workspace);

    private sealed class ThrowingGate : IPolicyGate
    {
        public Sha256Digest Digest { get; } = Sha256Digest.Compute("throwing gate"u8);

        public PolicyDecision Decide(ToolCallRequest request) => throw new InvalidOperationException("the gate is broken");
    }

    private sealed class SilentGate : IPolicyGate
    {
        public Sha256Digest Digest { get; } = Sha256Digest.Compute("silent gate"u8);

        public PolicyDecision Decide(ToolCallRequest request) => null!;
    }

    /// <summary>A new version of text.template whose output differs for the same input.</summary>
    private sealed class ShoutingTemplateTool : ITool
    {
        private readonly TextTemplateTool _inner = new();

        public string Name => _inner.Name;

        public IReadOnlyList<string> RequiredPermissions => _inner.RequiredPermissions;

        public bool Deterministic => true;

        public async ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken)
        {
            var text = (await _inner.ExecuteAsync(input, context, cancellationToken)).GetString()!.ToUpperInvariant();
            using var document = JsonDocument.Parse(JsonSerializer.Serialize(text));
            return document.RootElement.Clone();
        }
    }
}
