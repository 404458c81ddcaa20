using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Engine;

/// <summary>
/// The gate pipeline (CallGates): pin, declared tools, policy, budget, in that order; each verdict its own event; the
/// first denial stops the call; a gate that throws or does not answer in time denies, recorded; and how the effect
/// happens travels with the call (CallExecution), never on the session.
/// </summary>
public sealed class GatePipelineTests : IDisposable
{
    private const string Manifest = """
        {
          "name": "pipeline", "version": "1.0.0",
          "tools": [
            { "name": "echo" },
            { "name": "proc.exec", "permissions": ["proc:exec"], "cost": 1 },
            { "name": "weather.lookup", "permissions": ["net:http"], "cost": 1 }
          ],
          "steps": [
            { "id": "a", "tool": "proc.exec", "input": { "command": "true" } },
            { "id": "b", "tool": "echo", "input": { "text": "after" } }
          ],
          "budgets": { "max_cost": 5 }
        }
        """;

    private static readonly string[] DeniedByPolicy = [EventTypes.RunStarted, EventTypes.StepStarted, EventTypes.PolicyDecision];

    private readonly string _temp = Directory.CreateTempSubdirectory("reach-pipeline-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoryStream _stream = new();

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task A_pin_refusal_is_the_calls_policy_decision_and_neither_the_floor_nor_the_policy_is_asked()
    {
        var policy = new CountingPolicy();
        var refusal = PolicyDecision.Deny(ErrorCatalog.ToolNotDeclared, "not pinned", "reach.mcp.pinned");
        using var session = Open(policy, pins: new Gate(_ => ValueTask.FromResult<GateVerdict>(new GateVerdict.Policy(refusal))));

        var outcome = await session.ProposeAsync(Call("echo"), CallExecution.Here, TestContext.Current.CancellationToken);

        Assert.Equal(RunStatus.Denied, outcome.Status);
        Assert.Equal("policy", outcome.Gate);
        Assert.Equal(["reach.mcp.pinned"], outcome.Rules);
        Assert.Equal(0, policy.Asked);
        AssertEvents(session, DeniedByPolicy);
    }

    [Fact]
    public async Task An_undeclared_tool_is_denied_by_the_floor_before_the_policy_is_asked()
    {
        var policy = new CountingPolicy();
        using var session = Open(policy);

        var outcome = await session.ProposeAsync(Call("hash.sha256"), CallExecution.Here, TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCatalog.ToolNotDeclared, outcome.Code);
        Assert.Equal([DeclaredToolsPolicyGate.DeclaredToolRule], outcome.Rules);
        Assert.Equal(0, policy.Asked);
        AssertEvents(session, DeniedByPolicy);
    }

    [Fact]
    public async Task A_gate_that_throws_denies_and_its_denial_is_recorded()
    {
        using var session = Open(new CountingPolicy(), pins: new Gate(_ => throw new InvalidOperationException("the pin store is gone")));

        var outcome = await session.ProposeAsync(Call("echo"), CallExecution.Here, TestContext.Current.CancellationToken);

        Assert.Equal(RunStatus.Denied, outcome.Status);
        Assert.Equal(ErrorCatalog.PolicyGateFailed, outcome.Code);
        Assert.Contains("the pin store is gone", outcome.Reason, StringComparison.Ordinal);
        AssertEvents(session, DeniedByPolicy);
    }

    [Fact]
    public async Task A_gate_that_does_not_answer_in_time_denies_and_its_denial_is_recorded()
    {
        var never = new TaskCompletionSource<GateVerdict>();
        using var session = Open(new CountingPolicy(), pins: new Gate(_ => new ValueTask<GateVerdict>(never.Task)), timeout: TimeSpan.FromSeconds(5));

        var pending = session.ProposeAsync(Call("echo"), CallExecution.Here, TestContext.Current.CancellationToken).AsTask();
        Assert.False(pending.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(6));
        var outcome = await pending;

        Assert.Equal(RunStatus.Denied, outcome.Status);
        Assert.Equal(ErrorCatalog.PolicyGateFailed, outcome.Code);
        Assert.Contains("did not decide within 5000 ms", outcome.Reason, StringComparison.Ordinal);
        AssertEvents(session, DeniedByPolicy);
    }

    [Fact]
    public async Task A_supplied_outcome_is_recorded_only_when_every_gate_permits()
    {
        using var session = Open(new CountingPolicy());
        var supplied = ToolOutcome.Success(Json("""{"temperature":12}"""));

        var denied = await session.ProposeAsync(Call("not.declared"), CallExecution.SuppliedBy(supplied), TestContext.Current.CancellationToken);
        var permitted = await session.ProposeAsync(Call("weather.lookup", index: 1), CallExecution.SuppliedBy(supplied), TestContext.Current.CancellationToken);

        Assert.Equal(RunStatus.Denied, denied.Status);
        Assert.Equal(RunStatus.Succeeded, permitted.Status);
        Assert.Equal(12, permitted.Output.GetProperty("temperature").GetInt32());
        AssertEvents(session, [.. DeniedByPolicy, EventTypes.StepStarted, EventTypes.PolicyDecision, EventTypes.BudgetDecision, EventTypes.ToolResult]);
        Assert.Contains("\"effect\":\"recorded\"", Encoding.UTF8.GetString(_stream.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forwarder_runs_only_once_the_gates_permit_and_one_that_returns_nothing_is_recorded_as_a_crash()
    {
        using var session = Open(new CountingPolicy());
        var forwarded = 0;

        var denied = await session.ProposeAsync(Call("not.declared"), CallExecution.ForwardedBy(_ => { forwarded++; return ValueTask.FromResult(ToolOutcome.Success(Json("1"))); }), TestContext.Current.CancellationToken);
        var broken = await session.ProposeAsync(Call("weather.lookup", index: 1), CallExecution.ForwardedBy(_ => { forwarded++; return ValueTask.FromResult<ToolOutcome>(null!); }), TestContext.Current.CancellationToken);

        Assert.Equal(RunStatus.Denied, denied.Status);
        Assert.Equal(1, forwarded);
        Assert.Equal(RunStatus.Failed, broken.Status);
        Assert.Equal(ErrorCatalog.ToolCrashed, broken.Code);
        AssertEvents(session, [.. DeniedByPolicy, EventTypes.StepStarted, EventTypes.PolicyDecision, EventTypes.BudgetDecision, EventTypes.ToolError]);
    }

    [Fact]
    public async Task Cancelling_a_pack_run_seals_its_transcript_as_interrupted()
    {
        using var cancel = new CancellationTokenSource();
        var pack = LoadPack();
        var result = await PackRun.ExecuteAsync(pack, RunInputs.Resolve(pack.Manifest, null), new SessionOptionsTemplate
        {
            OpenTranscript = _ => new KeepOpen(_stream),
            // Ctrl+C arrives while the first step runs; the second never starts.
            Effects = new CancellingEffects(cancel),
            Clock = _clock,
            Random = new SplitMix64(5),
        }, cancel.Token);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(ErrorCatalog.RunInterrupted, result.Code);
        var types = Types();
        Assert.Equal([EventTypes.RunStarted, EventTypes.StepStarted, EventTypes.PolicyDecision, EventTypes.BudgetDecision, EventTypes.ToolError, EventTypes.RunFinished], types);
        var report = TranscriptVerifier.Verify(new MemoryStream(_stream.ToArray()));
        Assert.True(report.Ok, report.Failure?.Message);
        Assert.True(report.Sealed);
        Assert.Contains("\"code\":\"REACH-2240\"", Encoding.UTF8.GetString(_stream.ToArray()).Split('\n').Last(l => l.Contains("run.finished", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_outcome_is_a_success_with_an_output_or_a_coded_failure_and_nothing_else()
    {
        Assert.Throws<ArgumentException>(() => ToolOutcome.Success(default));
        Assert.Throws<ArgumentNullException>(() => ToolOutcome.Failure(null!, "no code"));
        Assert.Throws<ArgumentNullException>(() => PolicyDecision.Deny(null!, "a denial without a code"));
        Assert.Throws<InvalidOperationException>(() => PolicyDecision.Permit("fine").Waive("only a denial can be waived"));
    }

    [Fact]
    public async Task A_dry_evaluation_asks_every_gate_and_records_nothing()
    {
        var policy = new CountingPolicy();
        using var session = Open(policy);
        var before = session.Events;

        var check = await session.EvaluateAsync(Call("weather.lookup"), TestContext.Current.CancellationToken);

        Assert.True(check.Allowed);
        Assert.Equal(1, policy.Asked);
        Assert.Equal(before, session.Events);
    }

    private static ProposedCall Call(string tool, long index = 0) => new(tool, Json("{}"), null, index);

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private LoadedPack LoadPack()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_temp, "pack")).FullName;
        File.WriteAllText(Path.Combine(directory, PackLoader.ManifestFile), Manifest);
        return PackLoader.Load(directory, new HashSet<string>(ToolRegistry.BuiltIn.Names) { "weather.lookup" });
    }

    private RunSession Open(IPolicyGate policy, ICallGate? pins = null, TimeSpan? timeout = null)
    {
        var pack = LoadPack();
        return new RunSession(new SessionOptions
        {
            Pack = pack.Manifest,
            PackDigest = pack.Digest,
            Inputs = RunInputs.Resolve(pack.Manifest, null),
            OpenTranscript = _ => new KeepOpen(_stream),
            Effects = new CancellingEffects(null),
            Policy = policy,
            Pins = pins,
            GateTimeout = timeout,
            Clock = _clock,
            Random = new SplitMix64(3),
        });
    }

    private void AssertEvents(RunSession session, string[] types)
    {
        Assert.Equal(types, Types());
        session.Finish(RunStatus.Succeeded);
        var report = TranscriptVerifier.Verify(new MemoryStream(_stream.ToArray()));
        Assert.True(report.Ok, report.Failure?.Message);
    }

    private List<string> Types() =>
        [.. Encoding.UTF8.GetString(_stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("seq", out _))
            .Select(e => e.GetProperty("type").GetString()!)];

    private sealed class Gate(Func<GateContext, ValueTask<GateVerdict>> decide) : ICallGate
    {
        public string Name => "pin";

        public ValueTask<GateVerdict> DecideAsync(GateContext context, CancellationToken cancellationToken) => decide(context);

        public GateVerdict Failed(GateContext context, string reason) => CallGates.PolicyFailure(reason);
    }

    private sealed class CountingPolicy : IPolicyGate
    {
        public int Asked { get; private set; }

        public Sha256Digest Digest => DeclaredToolsPolicyGate.Instance.Digest;

        public PolicyDecision Decide(ToolCallRequest request)
        {
            Asked++;
            return DeclaredToolsPolicyGate.Instance.Decide(request);
        }
    }

    // proc.exec "runs" here: with a token source, the run is cancelled while it runs (as Ctrl+C would).
    private sealed class CancellingEffects(CancellationTokenSource? cancel) : IEffectSource
    {
        public ValueTask<ToolOutcome> ExecuteAsync(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration, CancellationToken cancellationToken)
        {
            if (cancel is null)
            {
                return ValueTask.FromResult(ToolOutcome.Success(input));
            }

            cancel.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(ToolOutcome.Success(input));
        }
    }

    // The session disposes its stream when it seals; the test reads the bytes after.
    private sealed class KeepOpen(MemoryStream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
