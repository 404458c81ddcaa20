using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Properties;

/// <summary>
/// The budget gate over spawn trees: whatever the tree's shape, budgets, calls, closes and restarts, the calls of all
/// its sessions together never spend more than the root's budget, nor run past the root's time.
/// </summary>
public sealed class SpawnBudgetProperties
{
    private const int Iterations = 1000;
    private static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Tools = ["echo", "hash.sha256", "text.template"];
    private static readonly JsonElement[] Inputs =
    [
        JsonSerializer.Deserialize<JsonElement>("""{"i":1}"""),
        JsonSerializer.Deserialize<JsonElement>("""{"text":"x"}"""),
        JsonSerializer.Deserialize<JsonElement>("""{"template":"t"}"""),
    ];

    private static readonly Gen<long?> Count = Gen.Frequency((1, Gen.Const((long?)null)), (4, Gen.Long[0, 14].Select(i => (long?)i)));
    private static readonly Gen<int?> Tenths = Gen.Frequency((1, Gen.Const((int?)null)), (4, Gen.Int[0, 60].Select(i => (int?)i)));
    private static readonly Gen<int?> Millis = Gen.Frequency((2, Gen.Const((int?)null)), (3, Gen.Int[0, 400].Select(i => (int?)i)));

    private static readonly Gen<Limits> LimitSets = Gen.Select(Count, Count, Tenths, Millis, (steps, calls, cost, ms) => new Limits(steps, calls, cost, ms));

    // Asks are mostly small, often absent (half of what is left), sometimes larger than what is left.
    private static readonly Gen<Limits> Asks = Gen.Frequency((2, Gen.Const(new Limits(null, null, null, null))), (3, LimitSets));

    private static readonly Gen<Operation> Operations = Gen.Select(
        Gen.FrequencyConst((6, OperationKind.Call), (3, OperationKind.Spawn), (2, OperationKind.Close), (1, OperationKind.Restart)),
        Gen.Int[0, int.MaxValue], Gen.Int[0, Tools.Length - 1], Asks,
        (kind, target, tool, ask) => new Operation(kind, target, tool, ask));

    private static readonly Gen<TreeCase> Cases = Gen.Select(
        LimitSets, Gen.Int[0, 30].Array[Tools.Length], Operations.Array[0, 60], Gen.Int[0, 12], Gen.ULong,
        (root, costs, operations, advanceMs, seed) => new TreeCase(root, costs, operations, advanceMs, seed));

    [Fact]
    public void budget_gate_prevents_overspend_across_spawn_trees()
    {
        var coverage = new int[5]; // spawns permitted, spawns refused (REACH-4040), budget returned, restarts, grandchildren
        Cases.Sample(
            c =>
            {
                var tree = new SpawnTree(c);
                foreach (var operation in c.Operations)
                {
                    tree.Apply(operation);
                }

                tree.CloseAll();
                var (steps, cost, lastCall) = tree.TotalSpend();
                var root = c.Root;
                Assert.True(root.Steps is not { } maxSteps || steps <= maxSteps, $"{steps} steps across the tree; max_steps {root.Steps}: {c}");
                Assert.True(root.Calls is not { } maxCalls || steps <= maxCalls, $"{steps} calls across the tree; max_tool_calls {root.Calls}: {c}");
                Assert.True(root.CostTenths is not { } maxCost || cost <= maxCost / 10m, $"{cost} spent across the tree; max_cost {root.CostTenths / 10m}: {c}");
                Assert.True(root.Millis is not { } maxMs || lastCall is not { } last || last < TimeSpan.FromMilliseconds(maxMs), $"a call was permitted {lastCall} after the root started; max_duration {root.Millis}ms: {c}");

                // Once every child has closed and returned what it did not use, the root's ledger is exactly the tree's
                // spend in each dimension the root limits (the only ones reserved).
                if (tree.RootUsage is { } usage && tree.AllReturned)
                {
                    Assert.True(root.Steps is null || usage.Steps == steps, $"root steps {usage.Steps}, tree {steps}: {c}");
                    Assert.True(root.Calls is null || usage.ToolCalls == steps, $"root tool calls {usage.ToolCalls}, tree {steps}: {c}");
                    Assert.True(root.CostTenths is null || usage.Cost == cost, $"root cost {usage.Cost}, tree {cost}: {c}");
                }

                tree.VerifyAll();
                lock (coverage)
                {
                    for (var i = 0; i < coverage.Length; i++)
                    {
                        coverage[i] += tree.Coverage[i];
                    }
                }
            },
            iter: Iterations);

        Assert.All(coverage, count => Assert.True(count > 100, $"spawned/refused/returned/restarted/grandchildren: {string.Join('/', coverage)}"));
    }

    private enum OperationKind
    {
        Call,
        Spawn,
        Close,
        Restart,
    }

    private sealed record Limits(long? Steps, long? Calls, int? CostTenths, int? Millis)
    {
        public Budgets ToBudgets() => new()
        {
            MaxSteps = Steps,
            MaxToolCalls = Calls,
            MaxCost = CostTenths / 10m,
            MaxDuration = Millis is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
    }

    private sealed record Operation(OperationKind Kind, int Target, int Tool, Limits Ask);

    private sealed record TreeCase(Limits Root, int[] CostTenths, Operation[] Operations, int AdvanceMs, ulong Seed)
    {
        public override string ToString() =>
            $"root {Root}, costs [{string.Join(',', CostTenths)}], advance {AdvanceMs}ms, seed {Seed}, ops [{string.Join("; ", Operations.Select(o => $"{o.Kind} {o.Target} {Tools[o.Tool]} {o.Ask}"))}]";
    }

    // A tree of Core sessions driven as the runner drives them: spawn = DecideSpawn + RecordSpawn, close = Finish +
    // RecordChildClosed on the parent, restart = every open session resumed from the bytes it wrote.
    private sealed class SpawnTree
    {
        private readonly List<Node> _nodes = [];
        private readonly FakeTimeProvider _clock;
        private readonly PackManifest _manifest;
        private readonly Sha256Digest _digest;
        private readonly JsonElement _inputs;
        private ulong _seed;

        public SpawnTree(TreeCase c)
        {
            _clock = new FakeTimeProvider(Epoch) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(c.AdvanceMs) };
            _seed = c.Seed;
            var tools = Tools.Select((name, i) => $"{{\"name\":\"{name}\",\"cost\":{(c.CostTenths[i] / 10m).ToString(CultureInfo.InvariantCulture)}}}");
            var bytes = Encoding.UTF8.GetBytes($"{{\"name\":\"tree\",\"version\":\"1.0.0\",\"tools\":[{string.Join(",", tools)}],\"steps\":[],\"budgets\":{{}}}}");
            _manifest = PackLoader.Parse(bytes, ToolRegistry.BuiltIn.Names);
            _digest = Sha256Digest.Compute(CanonicalJson.Canonicalize(bytes));
            _inputs = RunInputs.Resolve(_manifest, null);
            var root = new Node(null, 0, _manifest with { Budgets = c.Root.ToBudgets() });
            root.Session = new RunSession(Options(root));
            _nodes.Add(root);
        }

        public int[] Coverage { get; } = new int[5];

        public BudgetUsage? RootUsage { get; private set; }

        // True when every child gave back to an open parent (none outlived its parent).
        public bool AllReturned => _nodes.Skip(1).All(n => n.Returned);

        public void Apply(Operation operation)
        {
            var open = _nodes.Where(n => n.Session is not null).ToList();
            if (open.Count == 0)
            {
                return;
            }

            var node = open[operation.Target % open.Count];
            switch (operation.Kind)
            {
                case OperationKind.Call:
                    node.Session!.Propose(Tools[operation.Tool], Inputs[operation.Tool], null, node.Calls++);
                    break;
                case OperationKind.Spawn:
                    Spawn(node, operation.Ask.ToBudgets());
                    break;
                case OperationKind.Close:
                    Close(node);
                    break;
                case OperationKind.Restart:
                    Coverage[3]++;
                    foreach (var each in open)
                    {
                        each.Session!.Dispose();
                        each.Session = RunSession.Resume(Options(each), each.Bytes.ToArray());
                    }

                    break;
            }
        }

        public void CloseAll()
        {
            // Leaves first, so every child returns to a parent still open.
            for (var i = _nodes.Count - 1; i >= 0; i--)
            {
                if (_nodes[i].Session is not null)
                {
                    Close(_nodes[i]);
                }
            }
        }

        // Steps and cost of every call any session's budget gate permitted, and when the last one was proposed (from the root's start).
        public (long Steps, decimal Cost, TimeSpan? LastCall) TotalSpend()
        {
            long steps = 0;
            var cost = 0m;
            TimeSpan? last = null;
            var rootStart = At(Events(_nodes[0].Bytes.ToArray())[0].Data);
            foreach (var node in _nodes)
            {
                var events = Events(node.Bytes.ToArray());
                for (var i = 0; i < events.Count; i++)
                {
                    if (events[i].Type == EventTypes.BudgetDecision && events[i].Data.GetProperty("effect").GetString() == "permit")
                    {
                        steps++;
                        cost += events[i].Data.GetProperty("cost").GetDecimal();
                        var at = At(events[i - 2].Data) - rootStart;
                        last = last is { } seen && seen > at ? seen : at;
                    }
                }
            }

            return (steps, cost, last);
        }

        public void VerifyAll()
        {
            foreach (var node in _nodes)
            {
                using var stream = new MemoryStream(node.Bytes.ToArray(), writable: false);
                var report = TranscriptVerifier.Verify(stream);
                Assert.True(report.Ok, report.Failure?.Message);
            }
        }

        private void Spawn(Node parent, Budgets asked)
        {
            var decision = parent.Session!.DecideSpawn(asked);
            var depth = parent.Depth + 1;
            if (decision.Effect == GateEffect.Deny)
            {
                Assert.Equal(ErrorCatalog.SpawnBudgetExhausted, decision.Code);
                parent.Session.RecordSpawn(null, depth, Tools, decision.Code, decision.Reason, decision);
                Coverage[1]++;
                return;
            }

            var child = new Node(_nodes.IndexOf(parent), depth, _manifest with { Budgets = decision.Child! });
            child.Session = new RunSession(Options(child) with { StartedAt = decision.At });
            parent.Session.RecordSpawn(child.Session.RunId, depth, Tools, null, "spawned", decision);
            _nodes.Add(child);
            Coverage[0]++;
            Coverage[4] += depth > 1 ? 1 : 0;
        }

        private void Close(Node node)
        {
            var result = node.Session!.Finish(RunStatus.Succeeded);
            node.Session = null;
            if (node.Parent is { } index && _nodes[index].Session is { } parent)
            {
                var returned = parent.RecordChildClosed(result.RunId, result.Usage);
                Assert.NotNull(returned);
                node.Returned = true;
                Coverage[2]++;
            }

            if (node.Parent is null)
            {
                RootUsage = result.Usage;
            }
        }

        private SessionOptions Options(Node node) => new()
        {
            Pack = node.Manifest,
            PackDigest = _digest,
            Inputs = _inputs,
            OpenTranscript = _ => new Appending(node.Bytes),
            Effects = new LiveEffects(() => throw new InvalidOperationException("no side effects here")),
            Clock = _clock,
            Random = new SplitMix64(_seed++),
        };
    }

    private sealed class Node(int? parent, int depth, PackManifest manifest)
    {
        public int? Parent { get; } = parent;

        public int Depth { get; } = depth;

        public PackManifest Manifest { get; } = manifest;

        public MemoryStream Bytes { get; } = new();

        public RunSession? Session { get; set; }

        public long Calls { get; set; }

        public bool Returned { get; set; }
    }

    // The sessions dispose their stream when they stop (or a restart drops them); the bytes stay for the next one.
    private sealed class Appending(MemoryStream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Seek(0, SeekOrigin.End);
            inner.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Seek(0, SeekOrigin.End);
            inner.Write(buffer);
        }
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

    private static DateTimeOffset At(JsonElement data) =>
        DateTimeOffset.Parse(data.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
