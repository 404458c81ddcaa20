using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Engine;

/// <summary>
/// A call either records its result (or a coded tool.error) or records nothing: bad input is refused before the first
/// event, and whatever the effect does once the gates let it through ends in a recorded outcome.
/// </summary>
public sealed class CallCompletenessTests : IDisposable
{
    private const string Manifest = """
        {
          "name": "complete", "version": "1.0.0",
          "tools": [
            { "name": "echo" },
            { "name": "proc.exec", "permissions": ["proc:exec"], "cost": 1 },
            { "name": "fs.read", "permissions": ["fs:read"] },
            { "name": "fs.write", "permissions": ["fs:write"] },
            { "name": "http.get", "permissions": ["net:http"], "allow_hosts": ["example.com"] }
          ],
          "steps": [],
          "budgets": { "max_cost": 5 }
        }
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("reach-complete-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void An_output_with_a_lone_surrogate_is_recorded_as_a_coded_tool_error()
    {
        using var session = Open(new FixedEffects(_ => ToolOutcome.Success(Parse("""{"stdout":"\ud800"}"""))), out var stream);

        var outcome = session.Propose("proc.exec", Parse("""{"command":"true"}"""), "a", 0);

        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.Equal(ErrorCatalog.JsonLoneSurrogate, outcome.Code);
        AssertWhole(session, stream, [EventTypes.RunStarted, EventTypes.StepStarted, EventTypes.PolicyDecision, EventTypes.BudgetDecision, EventTypes.ToolError]);
    }

    [Fact]
    public void A_tool_that_throws_unexpectedly_is_recorded_as_a_coded_tool_error()
    {
        using var session = Open(new FixedEffects(_ => throw new InvalidOperationException("a bug in the tool")), out var stream);

        var outcome = session.Propose("proc.exec", Parse("""{"command":"true"}"""), "a", 0);

        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.Equal(ErrorCatalog.ToolCrashed, outcome.Code);
        AssertWhole(session, stream, [EventTypes.RunStarted, EventTypes.StepStarted, EventTypes.PolicyDecision, EventTypes.BudgetDecision, EventTypes.ToolError]);
    }

    [Fact]
    public void Proc_exec_with_an_empty_command_is_recorded_as_a_coded_tool_error()
    {
        using var session = Open(new LiveEffects(() => new Workspace(Path.Combine(_temp, "workspace"))), out var stream);

        var outcome = session.Propose("proc.exec", Parse("""{"command":""}"""), "a", 0);

        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.Equal(ErrorCatalog.ToolInputInvalid, outcome.Code);
        AssertWhole(session, stream, [EventTypes.RunStarted, EventTypes.StepStarted, EventTypes.PolicyDecision, EventTypes.BudgetDecision, EventTypes.ToolError]);
    }

    [Theory]
    [InlineData("echo", """{"text":"\ud800"}""")]
    [InlineData("echo", """{"text":"\udc00x"}""")]
    [InlineData("echo", """{"a":1,"a":2}""")]
    public void A_call_with_a_malformed_input_or_tool_name_is_refused_and_records_nothing(string tool, string input)
    {
        using var session = Open(new FixedEffects(_ => throw new InvalidOperationException("never called")), out var stream);
        var before = session.Events;

        var ex = Assert.Throws<ReachException>(() => session.Propose(tool, Parse(input), "a", 0));

        Assert.Contains(ex.Error, new[] { ErrorCatalog.JsonLoneSurrogate, ErrorCatalog.JsonDuplicateKey });
        Assert.Equal(before, session.Events);
        AssertWhole(session, stream, [EventTypes.RunStarted]);
    }

    [Fact]
    public void A_step_id_or_tool_name_with_a_lone_surrogate_is_refused_and_records_nothing()
    {
        using var session = Open(new FixedEffects(_ => throw new InvalidOperationException("never called")), out var stream);

        var step = Assert.Throws<ReachException>(() => session.Propose("echo", Parse("{}"), "\udc00", 0));
        var tool = Assert.Throws<ReachException>(() => session.Propose("echo\ud800", Parse("{}"), "a", 0));

        Assert.Equal(ErrorCatalog.JsonLoneSurrogate, step.Error);
        Assert.Equal(ErrorCatalog.JsonLoneSurrogate, tool.Error);
        AssertWhole(session, stream, [EventTypes.RunStarted]);
    }

    [Theory]
    [InlineData("proc.exec", """{"command":"rm\u0000"}""")]
    [InlineData("proc.exec", """{"command":"rm\n-rf"}""")]
    [InlineData("proc.exec", """{"command":"ls","args":["-l","x\u0000y"]}""")]
    [InlineData("fs.read", """{"path":"notes.txt\u0000.secret"}""")]
    [InlineData("fs.write", """{"path":"a\u0001b","content":"x"}""")]
    [InlineData("http.get", """{"url":"http://example.com\u0000.evil.test/"}""")]
    [InlineData("http.get", """{"url":"http://example.com/\r\nHost: evil.test"}""")]
    public void A_control_character_the_OS_would_cut_or_reinterpret_is_refused_before_the_gates(string tool, string input)
    {
        var effects = new FixedEffects(_ => throw new InvalidOperationException("never called"));
        using var session = Open(effects, out var stream);

        var ex = Assert.Throws<ReachException>(() => session.Propose(tool, Parse(input), "a", 0));

        Assert.Equal(ErrorCatalog.ToolInputControlCharacter, ex.Error);
        Assert.Equal(0, effects.Calls);
        AssertWhole(session, stream, [EventTypes.RunStarted]);
    }

    [Fact]
    public void Arguments_and_content_may_hold_newlines_and_tabs()
    {
        var effects = new FixedEffects(_ => ToolOutcome.Success(Parse("{}")));
        using var session = Open(effects, out _);

        var outcome = session.Propose("proc.exec", Parse("""{"command":"printf","args":["a\tb\nc"],"stdin":"x\u0000y"}"""), "a", 0);

        Assert.Equal(RunStatus.Succeeded, outcome.Status);
        Assert.Equal(1, effects.Calls);
    }

    [Fact]
    public void A_pack_run_whose_step_is_refused_before_the_gates_is_sealed_with_the_code()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_temp, "pack")).FullName;
        File.WriteAllText(Path.Combine(directory, PackLoader.ManifestFile), """
            {
              "name": "nul", "version": "1.0.0",
              "tools": [{ "name": "proc.exec", "permissions": ["proc:exec"] }],
              "steps": [{ "id": "rm", "tool": "proc.exec", "input": { "command": "rm\u0000", "args": ["-rf", "x"] } }]
            }
            """);
        var pack = PackLoader.Load(directory, ToolRegistry.BuiltIn.Names);
        var stream = new MemoryStream();

        var result = TestRuns.Execute(pack, RunInputs.Resolve(pack.Manifest, null), new SessionOptionsTemplate
        {
            OpenTranscript = _ => stream,
            Effects = new FixedEffects(_ => throw new InvalidOperationException("never called")),
        });

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(ErrorCatalog.ToolInputControlCharacter, result.Code);
        Assert.Equal("rm", result.StepId);
        var report = TranscriptVerifier.Verify(new MemoryStream(stream.ToArray()));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.True(report.Sealed);
        Assert.Equal([EventTypes.RunStarted, EventTypes.RunFinished], Types(stream.ToArray()));
    }

    [Fact]
    public void A_refused_call_takes_no_budget_and_the_next_call_goes_through()
    {
        var effects = new FixedEffects(_ => ToolOutcome.Success(Parse("{}")));
        using var session = Open(effects, out var stream);
        for (var i = 0; i < 10; i++)
        {
            Assert.Throws<ReachException>(() => session.Propose("proc.exec", Parse("""{"command":"rm\u0000"}"""), "a", 0));
        }

        // max_cost is 5 and proc.exec costs 1: ten refusals charged nothing, so five calls still pass.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(RunStatus.Succeeded, session.Propose("proc.exec", Parse("""{"command":"true"}"""), "a", i).Status);
        }

        Assert.Equal(RunStatus.Denied, session.Propose("proc.exec", Parse("""{"command":"true"}"""), "a", 5).Status);
    }

    private RunSession Open(IEffectSource effects, out MemoryStream stream)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_temp, "pack-" + Directory.GetDirectories(_temp).Length)).FullName;
        File.WriteAllText(Path.Combine(directory, PackLoader.ManifestFile), Manifest);
        var pack = PackLoader.Load(directory, ToolRegistry.BuiltIn.Names);
        var kept = new MemoryStream();
        stream = kept;
        return new RunSession(new SessionOptions
        {
            Pack = pack.Manifest,
            PackDigest = pack.Digest,
            Inputs = RunInputs.Resolve(pack.Manifest, null),
            OpenTranscript = _ => new KeepOpen(kept),
            Effects = effects,
            Clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero)),
            Random = new SplitMix64(11),
        });
    }

    private static void AssertWhole(RunSession session, MemoryStream stream, string[] types)
    {
        Assert.Equal(types, Types(stream.ToArray()));
        session.Finish(RunStatus.Succeeded);
        var report = TranscriptVerifier.Verify(new MemoryStream(stream.ToArray()));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.True(report.Sealed);
    }

    private static List<string> Types(byte[] transcript) =>
        [.. Encoding.UTF8.GetString(transcript).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("seq", out _))
            .Select(e => e.GetProperty("type").GetString()!)];

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private sealed class FixedEffects(Func<JsonElement, ToolOutcome> answer) : IEffectSource
    {
        public int Calls { get; private set; }

        public ValueTask<ToolOutcome> ExecuteAsync(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration, CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(answer(input));
        }
    }

    // The session disposes its stream when it stops; the test reads the bytes after.
    private sealed class KeepOpen(MemoryStream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
