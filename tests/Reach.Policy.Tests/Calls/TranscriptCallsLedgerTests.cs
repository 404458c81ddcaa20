using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Policy.Calls;

namespace Reach.Policy.Tests.Calls;

/// <summary>
/// <c>policy explain --transcript</c> rebuilds each call with the usage and tallies the gates saw, by the same fold
/// (<see cref="UsageLedger.Rebuild"/>) resume uses: what spawned children hold counts as spent, as it did live.
/// </summary>
public sealed class TranscriptCallsLedgerTests
{
    private static readonly JsonElement Input = JsonSerializer.Deserialize<JsonElement>("""{"a":1}""");

    [Fact]
    public void A_rebuilt_call_has_the_usage_and_tallies_the_policy_gate_saw_with_children_holding_budget()
    {
        var seen = new List<ToolCallRequest>();
        var pack = new PackManifest
        {
            Name = "ledger",
            Version = "1.0.0",
            Tools = [new ToolDeclaration { Name = "echo", Cost = 1.5m }],
            Budgets = new Budgets { MaxSteps = 40, MaxToolCalls = 40, MaxCost = 100m, MaxDuration = TimeSpan.FromHours(1) },
        };
        var output = new MemoryStream();
        using (var session = new RunSession(new SessionOptions
        {
            Pack = pack,
            PackDigest = Sha256Digest.Compute("ledger"u8),
            Inputs = JsonSerializer.Deserialize<JsonElement>("{}"),
            OpenTranscript = _ => output,
            Effects = new LiveEffects(() => throw new InvalidOperationException("no side effects here")),
            Policy = new Recording(seen),
            Clock = new Ticking(),
        }))
        {
            Propose(session, 0);
            var first = session.DecideSpawn(new Budgets { MaxSteps = 5, MaxToolCalls = 5, MaxCost = 10m });
            session.RecordSpawn("child-1", 1, ["echo"], null, "spawned", first);
            Propose(session, 1);
            var second = session.DecideSpawn(null);
            session.RecordSpawn("child-2", 1, ["echo"], null, "spawned", second);
            session.RecordChildClosed("child-1", new BudgetUsage(2, 2, 3m, TimeSpan.Zero));
            Propose(session, 2);
            session.Finish(RunStatus.Succeeded);
        }

        var transcript = RecordedTranscript.Read(output.ToArray());
        var decisions = TranscriptCalls.Decisions(transcript);
        Assert.Equal(3, decisions.Count);
        for (var i = 0; i < decisions.Count; i++)
        {
            var rebuilt = TranscriptCalls.CallAt(transcript, decisions[i].Seq);
            Assert.Equal(seen[i].Usage, rebuilt.Usage);
            Assert.Equal(seen[i].Tallies, rebuilt.Tallies);
        }

        // The children's reservations were part of what the gate saw (so the comparison above covers them).
        Assert.True(seen[2].Usage.Steps > 2, $"the third call saw {seen[2].Usage.Steps} steps spent");
    }

    private static void Propose(RunSession session, long index) =>
        session.ProposeAsync(new ProposedCall("echo", Input, null, index), CallExecution.Here).AsTask().GetAwaiter().GetResult();

    private sealed class Recording(List<ToolCallRequest> seen) : IPolicyGate
    {
        public Sha256Digest Digest { get; } = Sha256Digest.Compute("recording"u8);

        public PolicyDecision Decide(ToolCallRequest request)
        {
            seen.Add(request);
            return PolicyDecision.Permit("recorded");
        }
    }

    // Each reading 3 ms after the last, so usage durations are not all zero.
    private sealed class Ticking : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddMilliseconds(3);
    }
}
