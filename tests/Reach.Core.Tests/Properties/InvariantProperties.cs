using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tests.Transcripts;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Properties;

/// <summary>
/// The product's invariants over generated packs, inputs, clocks, randomness, budgets and damage: replay reproduces
/// the fingerprint, gates refuse before a call runs, any tampering is caught at its first line, redaction keeps the proof.
/// </summary>
public sealed class InvariantProperties
{
    private const int Iterations = 1000;
    private const string Hex = "0123456789abcdef";
    private static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] FilePaths = ["a.txt", "notes/b.txt", "c.md"];
    private static readonly string[] InputTypes = ["string", "integer", "number", "boolean", "object", "array"];
    private static readonly string[] RunTools = ["echo", "hash.sha256", "text.template", "json.get", "fs.write", "fs.read", "proc.exec", "http.get"];
    private static readonly string[] BudgetTools = ["echo", "hash.sha256", "text.template"];
    private static readonly string[] PolicyTools = [.. ToolRegistry.BuiltIn.Names, "made.up"];

    // '$', '{' and '}' stay out of generated text: they would spell references and template holes.
    private static readonly Gen<char> TextChar = Gen.Frequency(
        (20, Gen.Char['a', 'z']),
        (5, Gen.OneOfConst(' ', '.', ',', '-', '_', '/', '0', '7', 'A')),
        (3, Gen.OneOfConst('"', '\\', '\n', '\t', '\u0001', '\u001f', '\u007f', '<', '&', '\'')),
        (3, Gen.OneOfConst('é', '€', 'ß', '中', '\u2028', '\uFEFF', '\u00a0')));

    private static readonly Gen<string> Text = Gen.Frequency(
        (12, TextChar.Array[0, 12].Select(chars => new string(chars))),
        (1, Gen.OneOfConst("😀", "a😀b", "𝄞 clef", "")));

    private static readonly Gen<string> Number = Gen.Frequency(
        (4, Gen.Int[-1000, 1000].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.OneOfConst("0.1", "-0.0", "1e21", "1E-7", "2.50", "5e-324", "1.7976931348623157e308", "9007199254740993")));

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (4, Number),
        (4, Text.Select(Quote)),
        (1, Gen.OneOfConst("true", "false", "null")));

    private static readonly Gen<string> Key = Gen.OneOfConst("a", "b", "r", "name", "é", "a b", "Z", "\u00e9t\u00e9", "0");

    private static readonly Gen<string> Value = ValueOf(2);

    private static readonly Gen<InputSeed> InputSeeds = Gen.Int[0, InputTypes.Length - 1].SelectMany(type =>
        Gen.Select(ValueOfType(type), ValueOfType(type), Gen.Int[0, 2], (fallback, supplied, mode) => new InputSeed(InputTypes[type], fallback, supplied, mode)));

    private static readonly Gen<StepSeed> StepSeeds = Gen.Select(
        Gen.Int[0, RunTools.Length - 1], Gen.Int[0, 999], Gen.Int[0, 999], Text, Value, Gen.Bool,
        (kind, reference, choice, text, value, interpolate) => new StepSeed(kind, reference, choice, text, value, interpolate));

    /// <summary>Packs of every built-in tool with references, inputs, budgets and the odd undeclared tool, plus clock and seed.</summary>
    private static readonly Gen<GeneratedRun> Runs = Gen.Select(
        InputSeeds.Array[0, 3], StepSeeds.Array[0, 8], Gen.Int[0, 99].Array[7], Gen.Long[0, 3_000_000_000_000_000L], Gen.Long[0, 20_000_000L], Gen.ULong,
        (inputs, steps, knobs, start, advance, seed) => BuildRun(inputs, steps, knobs, start, advance, seed));

    private static readonly Gen<int?> SmallLimit = Gen.Frequency((1, Gen.Const((int?)null)), (3, Gen.Int[0, 10].Select(i => (int?)i)));

    private static readonly Gen<BudgetCase> BudgetCases = Gen.Select(
        Gen.Int[0, BudgetTools.Length - 1].Array[0, 10], Gen.Int[0, 30].Array[BudgetTools.Length], SmallLimit, SmallLimit,
        Gen.Frequency((1, Gen.Const((int?)null)), (3, Gen.Int[0, 60].Select(i => (int?)i))),
        Gen.Frequency((1, Gen.Const((int?)null)), (3, Gen.Int[0, 120].Select(i => (int?)i))),
        Gen.Int[0, 25], Gen.ULong,
        (steps, costs, maxSteps, maxCalls, maxCostTenths, maxDurationMs, advanceMs, seed) =>
            new BudgetCase(steps, costs, maxSteps, maxCalls, maxCostTenths, maxDurationMs, advanceMs, seed));

    private static readonly Gen<PolicyCase> PolicyCases = Gen.Select(
        Gen.Int[0, PolicyTools.Length - 1].Array[0, 8], Gen.Int[0, 2].Array[PolicyTools.Length - 1], Gen.Int[0, 99], Gen.Int[0, 99], Gen.ULong,
        (steps, declarations, badTool, badAt, seed) => new PolicyCase(steps, declarations, badTool, badAt, seed));

    private static readonly Gen<(string Type, string Data)> WrittenEvent = Gen.Select(
        Gen.Frequency((3, Gen.OneOfConst("run.started", "step.started", "tool.result", "run.finished")), (1, Text)), Value);

    private static readonly Gen<Transcript> WrittenTranscripts = Gen.Select(Gen.ULong, Text, WrittenEvent.Array[0, 8], Write);

    private static readonly Gen<Transcript> AnyTranscript = Gen.Frequency(
        (2, WrittenTranscripts),
        (1, Runs.Select(run =>
        {
            var recording = Record(run, workspace: null);
            return new Transcript(recording.Bytes, recording.Pack, $"a run of {run}");
        })));

    private static readonly Gen<Tampering> Tamperings = Gen.Select(
        Gen.FrequencyConst((5, TamperKind.FlipBit), (1, TamperKind.DropEvent), (1, TamperKind.DuplicateEvent), (1, TamperKind.SwapAdjacent), (1, TamperKind.InsertCopy), (1, TamperKind.EditHeader)),
        Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue],
        (kind, a, b) => new Tampering(kind, a, b));

    private enum TamperKind
    {
        FlipBit,
        DropEvent,
        DuplicateEvent,
        SwapAdjacent,
        InsertCopy,
        EditHeader,
    }

    [Fact]
    public void replay_produces_identical_merkle_root()
    {
        var statuses = new int[3];
        var fed = 0L;
        Runs.Sample(
            run =>
            {
                var workspace = Directory.CreateTempSubdirectory("reach-property-");
                try
                {
                    var recording = Record(run, workspace.FullName);
                    var verification = Verify(recording.Bytes);
                    Assert.True(verification.Ok, verification.Failure?.Message);
                    Assert.Equal(recording.Result.Fingerprint, verification.Fingerprint);

                    var replay = TestRuns.Replay(recording.Bytes, recording.Pack);

                    Assert.True(replay.Ok, $"{replay.Divergence?.Kind} at {replay.Divergence?.Seq}: {replay.Divergence?.LikelyCause}\n{replay.Divergence?.Recorded}\n{replay.Divergence?.Replayed}");
                    Assert.Equal(recording.Result.Fingerprint, replay.RecordedFingerprint);
                    Assert.Equal(recording.Result.Fingerprint, replay.Fingerprint);
                    Assert.Equal(recording.Result.Events, replay.Events);
                    Interlocked.Increment(ref statuses[(int)recording.Result.Status]);
                    Interlocked.Add(ref fed, replay.Fed);
                }
                finally
                {
                    workspace.Delete(recursive: true);
                }
            },
            iter: Iterations);

        // The generator must reach every ending and feed recorded effects back, or the property says little.
        Assert.All(statuses, count => Assert.True(count > 20, $"statuses succeeded/denied/failed: {string.Join('/', statuses)}"));
        Assert.True(fed > Iterations / 2, $"only {fed} recorded effects were fed back");
    }

    [Fact]
    public void budget_gate_prevents_overspend()
    {
        var denials = new Dictionary<string, int>();
        BudgetCases.Sample(
            c =>
            {
                var (pack, manifest) = BudgetPack(c);
                var output = new MemoryStream();
                var result = TestRuns.Execute(pack, RunInputs.Resolve(pack.Manifest, null), new SessionOptionsTemplate
                {
                    OpenTranscript = _ => output,
                    Effects = new SimulatedEffects(c.Seed, null, failures: false),
                    Clock = new FakeTimeProvider(Epoch) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(c.AdvanceMs) },
                    Random = new SplitMix64(c.Seed),
                });
                var bytes = output.ToArray();
                var events = Events(bytes);

                // The model: the gate's rules applied in order, before each call, to the spend so far.
                var expected = ExpectedBudgetOutcome(c);

                long permitted = 0;
                var spent = 0m;
                for (var i = 0; i < events.Count; i++)
                {
                    if (events[i].Type != EventTypes.BudgetDecision || events[i].Data.GetProperty("effect").GetString() != "permit")
                    {
                        continue;
                    }

                    permitted++;
                    spent += events[i].Data.GetProperty("cost").GetDecimal();
                    var elapsed = At(events[i - 2].Data) - At(events[0].Data);
                    Assert.True(c.MaxDurationMs is not { } maxMs || elapsed < TimeSpan.FromMilliseconds(maxMs), $"a call was permitted at {elapsed}");
                    Assert.Equal(EventTypes.ToolResult, events[i + 1].Type);
                }

                Assert.True(c.MaxSteps is not { } maxSteps || permitted <= maxSteps, manifest);
                Assert.True(c.MaxCalls is not { } maxCalls || permitted <= maxCalls, manifest);
                Assert.True(c.MaxCostTenths is not { } maxCost || spent <= maxCost / 10m, manifest);
                Assert.Equal(expected.Permitted, permitted);
                Assert.Equal(expected.Spent, spent);

                var finished = events[^1];
                Assert.Equal(EventTypes.RunFinished, finished.Type);
                var usage = finished.Data.GetProperty("usage");
                Assert.Equal(permitted, usage.GetProperty("steps").GetInt64());
                Assert.Equal(permitted, usage.GetProperty("tool_calls").GetInt64());
                Assert.Equal(spent, usage.GetProperty("cost").GetDecimal());

                if (expected.Code is null)
                {
                    Assert.Equal(RunStatus.Succeeded, result.Status);
                    Assert.Equal(c.Steps.Length, permitted);
                }
                else
                {
                    Assert.Equal(RunStatus.Denied, result.Status);
                    Assert.Equal(expected.Code, result.Code);
                    Assert.Equal("budget", result.Gate);
                    Assert.Equal($"s{permitted}", result.StepId);
                    var denial = events[^2];
                    Assert.Equal(EventTypes.BudgetDecision, denial.Type);
                    Assert.Equal("deny", denial.Data.GetProperty("effect").GetString());
                    Assert.Equal(expected.Code.Code, denial.Data.GetProperty("code").GetString());
                    Assert.Equal(expected.Limit, denial.Data.GetProperty("limit").GetString());
                    Assert.Equal(expected.Code.Code, finished.Data.GetProperty("code").GetString());
                    Assert.Equal("denied", finished.Data.GetProperty("status").GetString());
                    lock (denials)
                    {
                        denials[expected.Code.Code] = denials.GetValueOrDefault(expected.Code.Code) + 1;
                    }
                }

                Assert.True(Verify(bytes).Ok);
            },
            iter: Iterations);

        Assert.All(["REACH-2210", "REACH-2211", "REACH-2212", "REACH-2213"], code => Assert.True(denials.GetValueOrDefault(code) > 10, $"{code}: {denials.GetValueOrDefault(code)} denials"));
    }

    [Fact]
    public void policy_gate_blocks_undeclared_tools()
    {
        var codes = new int[2];
        PolicyCases.Sample(
            c =>
            {
                var (manifest, badStep, expectedCode) = PolicyPack(c);
                var pack = Load(manifest);
                var effects = new SimulatedEffects(c.Seed, null, failures: false);
                var output = new MemoryStream();

                var result = TestRuns.Execute(pack, RunInputs.Resolve(pack.Manifest, null), new SessionOptionsTemplate
                {
                    OpenTranscript = _ => output,
                    Effects = effects,
                    Clock = new FakeTimeProvider(Epoch),
                    Random = new SplitMix64(c.Seed),
                });

                var bytes = output.ToArray();
                var events = Events(bytes);
                var badId = $"s{badStep}";
                Assert.Equal(RunStatus.Denied, result.Status);
                Assert.Equal(expectedCode, result.Code);
                Assert.Equal(badId, result.StepId);
                Assert.Equal("policy", result.Gate);

                var denial = Assert.Single(events, e => e.Type == EventTypes.PolicyDecision && e.Data.GetProperty("effect").GetString() == "deny");
                Assert.Equal(badId, denial.Data.GetProperty("step").GetString());
                Assert.Equal(expectedCode.Code, denial.Data.GetProperty("code").GetString());
                Assert.Equal(EventTypes.RunFinished, events[^1].Type);
                Assert.Equal(EventTypes.PolicyDecision, events[^2].Type);
                Assert.Equal(denial.Data.GetRawText(), events[^2].Data.GetRawText());
                Assert.DoesNotContain(events, e => e.Type is EventTypes.ToolResult or EventTypes.ToolError or EventTypes.BudgetDecision && StepOf(e) == badId);
                Assert.DoesNotContain(effects.Calls, call => call.Step == badId);
                Assert.Equal(badStep, events.Count(e => e.Type == EventTypes.ToolResult));
                Assert.Equal(pack.Manifest.Steps.Take(badStep).Count(s => ToolRegistry.BuiltIn.Find(s.Tool)?.Deterministic == false), effects.Calls.Count);

                var report = Verify(bytes);
                Assert.True(report.Ok, report.Failure?.Message);
                Assert.Equal(result.Fingerprint, report.Fingerprint);
                Interlocked.Increment(ref codes[expectedCode == ErrorCatalog.ToolNotDeclared ? 0 : 1]);
            },
            iter: Iterations);

        Assert.All(codes, count => Assert.True(count > 100, $"undeclared/unpermitted denials: {codes[0]}/{codes[1]}"));
    }

    [Fact]
    public void tampering_is_always_detected()
    {
        Gen.Select(AnyTranscript, Tamperings).Sample(
            (transcript, tampering) =>
            {
                var original = transcript.Bytes;
                Assert.True(Verify(original).Ok);
                var (tampered, what, structural) = Tamper(original, tampering);
                Assert.NotEqual(original, tampered);

                var report = Verify(tampered);

                var context = $"{what} in {transcript.Description}";
                Assert.False(report.Ok, context);
                var firstDifferent = FirstDifferentLine(original, tampered);
                var failure = report.Failure!;
                if (firstDifferent == 1 && IsHeader(FirstLine(tampered)))
                {
                    // A header that still reads as one cannot be told wrong by itself: the chain breaks at event 0's line.
                    Assert.True(failure.Line == 2, $"{context}: expected line 2, got {failure.Line}: {failure.Message}");
                    Assert.True(failure.Error == ErrorCatalog.ChainBroken || (failure.Error == ErrorCatalog.FingerprintMismatch && LineCount(original) == 2), $"{context}: {failure.Error.Code} {failure.Message}");
                }
                else
                {
                    Assert.True(failure.Line == firstDifferent, $"{context}: expected line {firstDifferent}, got {failure.Line}: {failure.Error.Code} {failure.Message}");
                }

                if (structural)
                {
                    Assert.True(failure.Error == ErrorCatalog.SequenceGap || failure.Error == ErrorCatalog.FingerprintMismatch, $"{context}: {failure.Error.Code} {failure.Message}");
                }
            },
            iter: 4 * Iterations);
    }

    [Fact]
    public void redaction_preserves_verification()
    {
        Gen.Select(AnyTranscript, Gen.Int[0, 999].Array[0, 6]).Sample(
            (transcript, picks) =>
            {
                var original = Verify(transcript.Bytes);
                Assert.True(original.Ok);
                var seqs = original.Events == 0 ? [] : picks.Select(p => p % original.Events).Distinct().ToArray();

                var redacted = TranscriptRedaction.Redact(transcript.Bytes, seqs);
                var report = Verify(redacted);

                Assert.True(report.Ok, $"{report.Failure?.Message} after redacting {string.Join(',', seqs)} of {transcript.Description}");
                Assert.Equal(seqs.Length, report.Redacted);
                Assert.Equal(original.Events, report.Events);
                Assert.Equal(original.Fingerprint, report.Fingerprint);
                Assert.Equal(original.Header, report.Header);
                var lines = Encoding.UTF8.GetString(redacted).Split('\n');
                foreach (var seq in seqs)
                {
                    var line = lines[seq + 1];
                    Assert.Contains("\"redacted\":true", line, StringComparison.Ordinal);
                    Assert.DoesNotContain("\"data\":", line, StringComparison.Ordinal);
                    Assert.DoesNotContain("\"salt\":", line, StringComparison.Ordinal);
                }

                var pack = transcript.Pack ?? Load(PackJson("unrelated", [], []));
                if (seqs.Length > 0)
                {
                    var ex = Assert.Throws<ReachException>(() => TestRuns.Replay(redacted, pack));
                    Assert.Equal(ErrorCatalog.ReplayRedacted, ex.Error);
                }
                else if (transcript.Pack is not null)
                {
                    Assert.True(TestRuns.Replay(redacted, pack).Ok);
                }
            },
            iter: Iterations);
    }

    private static Gen<string> ValueOf(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency((5, Scalar), (2, ArrayOf(depth - 1)), (2, ObjectOf(depth - 1)));

    private static Gen<string> ArrayOf(int depth) => ValueOf(depth).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]");

    private static Gen<string> ObjectOf(int depth) => Gen.Select(Key, ValueOf(depth)).Array[0, 4].Select(members =>
        "{" + string.Join(",", members.DistinctBy(m => m.Item1).Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}");

    private static Gen<string> ValueOfType(int type) => type switch
    {
        0 => Text.Select(Quote),
        1 => Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
        2 => Number,
        3 => Gen.Bool.Select(b => b ? "true" : "false"),
        4 => ObjectOf(1),
        _ => ArrayOf(1),
    };

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static GeneratedRun BuildRun(InputSeed[] inputs, StepSeed[] steps, int[] knobs, long start, long advance, ulong seed)
    {
        var declarations = new StringBuilder("{");
        var supplied = new List<string>();
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            declarations.Append(i == 0 ? "" : ",").Append($"\"in{i}\":{{\"type\":\"{input.Type}\"");
            declarations.Append(input.Mode == 2 ? ",\"required\":true}" : $",\"default\":{input.Default}}}");
            if (input.Mode != 0)
            {
                supplied.Add($"\"in{i}\":{input.Supplied}");
            }
        }

        declarations.Append('}');

        // One time in ten a tool the steps use is left undeclared or declared without its permissions.
        var used = steps.Select(s => RunTools[s.Kind]).Distinct().ToList();
        var gap = used.Count > 0 && knobs[0] < 10 ? used[knobs[0] % used.Count] : null;
        var tools = new List<string>();
        for (var i = 0; i < used.Count; i++)
        {
            if (used[i] == gap && knobs[1] % 2 == 0)
            {
                continue;
            }

            var permissions = used[i] == gap ? [] : ToolRegistry.BuiltIn.Find(used[i])!.RequiredPermissions;
            var cost = ((knobs[2] + i) % 4 * 0.5m).ToString(CultureInfo.InvariantCulture);
            tools.Add($"{{\"name\":\"{used[i]}\",\"permissions\":[{string.Join(",", permissions.Select(Quote))}],\"cost\":{cost}}}");
        }

        var stepJson = steps.Select((step, i) => $"{{\"id\":\"s{i}\",\"tool\":\"{RunTools[step.Kind]}\",\"input\":{StepInput(step, i, inputs.Length)}}}");
        var budgets = new List<string>();
        if (knobs[3] < 15)
        {
            budgets.Add($"\"max_steps\":{knobs[3] % 9}");
        }

        if (knobs[4] < 15)
        {
            budgets.Add($"\"max_cost\":{(knobs[4] % 10 * 0.5m).ToString(CultureInfo.InvariantCulture)}");
        }

        if (knobs[5] < 10)
        {
            budgets.Add($"\"max_duration\":\"{knobs[5] % 5 * 100}ms\"");
        }

        var manifest = $"{{\"name\":\"generated\",\"version\":\"1.0.{knobs[6]}\",\"inputs\":{declarations},\"tools\":[{string.Join(",", tools)}],\"steps\":[{string.Join(",", stepJson)}],\"budgets\":{{{string.Join(",", budgets)}}}}}";
        var inputsJson = supplied.Count == 0 && knobs[6] % 2 == 0 ? null : "{" + string.Join(",", supplied) + "}";
        return new GeneratedRun(manifest, inputsJson, start, advance, seed);
    }

    private static string StepInput(StepSeed step, int index, int inputCount)
    {
        string? reference = null;
        if (index + inputCount > 0)
        {
            var target = step.Ref % (index + inputCount);
            reference = target < index ? $"steps.s{target}.output{(step.Choice % 7 == 6 ? ".r" : "")}" : $"inputs.in{target - index}";
        }

        var whole = reference is null ? step.Value : Quote("${" + reference + "}");
        var spliced = Quote(reference is null || !step.Interpolate ? step.Text : step.Text + "${" + reference + "}" + step.Text);
        return RunTools[step.Kind] switch
        {
            "echo" => $"{{\"r\":{whole},\"t\":{spliced},\"v\":{step.Value}}}",
            "hash.sha256" => $"{{\"text\":{spliced}}}",
            "text.template" => $"{{\"template\":{Quote(step.Text + "[{{k}}]" + step.Text)},\"values\":{{\"k\":{whole}}}}}",
            "json.get" => $"{{\"pointer\":{Quote(new[] { "", "/r", "/0" }[step.Choice % 3])},\"value\":{whole}}}",
            "fs.write" => $"{{\"content\":{spliced},\"path\":{Quote(FilePaths[step.Choice % 3])}}}",
            "fs.read" => $"{{\"path\":{Quote(FilePaths[step.Choice % 3])}}}",
            "proc.exec" => $"{{\"args\":[{spliced}],\"command\":\"tool\"}}",
            _ => $"{{\"url\":\"http://example.test/{step.Choice}\"}}",
        };
    }

    private static (LoadedPack Pack, string Manifest) BudgetPack(BudgetCase c)
    {
        var tools = BudgetTools.Select((name, i) => $"{{\"name\":\"{name}\",\"cost\":{(c.CostTenths[i] / 10m).ToString(CultureInfo.InvariantCulture)}}}").ToArray();
        var steps = c.Steps.Select((tool, i) => (BudgetTools[tool], BudgetTools[tool] switch
        {
            "echo" => $"{{\"i\":{i}}}",
            "hash.sha256" => "{\"text\":\"x\"}",
            _ => "{\"template\":\"t\"}",
        })).ToArray();
        var budgets = new List<string>();
        if (c.MaxSteps is { } maxSteps)
        {
            budgets.Add($"\"max_steps\":{maxSteps}");
        }

        if (c.MaxCalls is { } maxCalls)
        {
            budgets.Add($"\"max_tool_calls\":{maxCalls}");
        }

        if (c.MaxCostTenths is { } maxCost)
        {
            budgets.Add($"\"max_cost\":{(maxCost / 10m).ToString(CultureInfo.InvariantCulture)}");
        }

        if (c.MaxDurationMs is { } maxDuration)
        {
            budgets.Add($"\"max_duration\":\"{maxDuration}ms\"");
        }

        var manifest = PackJson("budgeted", tools, steps, "{" + string.Join(",", budgets) + "}");
        return (Load(manifest), manifest);
    }

    private static BudgetOutcome ExpectedBudgetOutcome(BudgetCase c)
    {
        long calls = 0;
        var spent = 0m;
        for (var i = 0; i < c.Steps.Length; i++)
        {
            var cost = c.CostTenths[c.Steps[i]] / 10m;
            var elapsed = TimeSpan.FromMilliseconds((i + 1) * c.AdvanceMs);
            if (c.MaxSteps is { } maxSteps && calls + 1 > maxSteps)
            {
                return new BudgetOutcome(calls, spent, ErrorCatalog.BudgetSteps, "max_steps");
            }

            if (c.MaxCalls is { } maxCalls && calls + 1 > maxCalls)
            {
                return new BudgetOutcome(calls, spent, ErrorCatalog.BudgetToolCalls, "max_tool_calls");
            }

            if (c.MaxCostTenths is { } maxCost && spent + cost > maxCost / 10m)
            {
                return new BudgetOutcome(calls, spent, ErrorCatalog.BudgetCost, "max_cost");
            }

            if (c.MaxDurationMs is { } maxDuration && elapsed >= TimeSpan.FromMilliseconds(maxDuration))
            {
                return new BudgetOutcome(calls, spent, ErrorCatalog.BudgetDuration, "max_duration");
            }

            calls++;
            spent += cost;
        }

        return new BudgetOutcome(calls, spent, null, null);
    }

    private static (string Manifest, int BadStep, ErrorCode Code) PolicyPack(PolicyCase c)
    {
        ErrorCode? Refusal(int tool)
        {
            if (tool == PolicyTools.Length - 1 || c.Declarations[tool] == 0)
            {
                return ErrorCatalog.ToolNotDeclared;
            }

            return c.Declarations[tool] == 1 && ToolRegistry.BuiltIn.Find(PolicyTools[tool])!.RequiredPermissions.Count > 0 ? ErrorCatalog.PermissionNotDeclared : null;
        }

        var steps = c.Steps.ToList();
        if (steps.TrueForAll(tool => Refusal(tool) is null))
        {
            var refused = Enumerable.Range(0, PolicyTools.Length).Where(tool => Refusal(tool) is not null).ToArray();
            steps.Insert(c.BadAt % (steps.Count + 1), refused[c.BadTool % refused.Length]);
        }

        var badStep = steps.FindIndex(tool => Refusal(tool) is not null);
        var tools = new List<string>();
        for (var tool = 0; tool < PolicyTools.Length - 1; tool++)
        {
            if (c.Declarations[tool] == 0)
            {
                continue;
            }

            var permissions = c.Declarations[tool] == 2 ? [.. ToolRegistry.BuiltIn.Find(PolicyTools[tool])!.RequiredPermissions, "extra:unused"] : new[] { "other:thing" };
            tools.Add($"{{\"name\":\"{PolicyTools[tool]}\",\"permissions\":[{string.Join(",", permissions.Select(Quote))}]}}");
        }

        var stepJson = steps.Select((tool, i) => (PolicyTools[tool], PolicyTools[tool] switch
        {
            "echo" => $"{{\"i\":{i}}}",
            "hash.sha256" => "{\"text\":\"x\"}",
            "text.template" => "{\"template\":\"t\"}",
            "json.get" => "{\"pointer\":\"\",\"value\":{}}",
            _ => "{\"path\":\"a.txt\",\"content\":\"x\",\"command\":\"true\",\"url\":\"http://example.test/\"}",
        })).ToArray();
        return (PackJson("policed", [.. tools], stepJson), badStep, Refusal(steps[badStep])!);
    }

    private static string PackJson(string name, string[] tools, (string Tool, string Input)[] steps, string budgets = "{}") =>
        $"{{\"name\":\"{name}\",\"version\":\"1.0.0\",\"tools\":[{string.Join(",", tools)}],\"steps\":[{string.Join(",", steps.Select((s, i) => $"{{\"id\":\"s{i}\",\"tool\":\"{s.Tool}\",\"input\":{s.Input}}}"))}],\"budgets\":{budgets}}}";

    private static LoadedPack Load(string manifest)
    {
        var bytes = Encoding.UTF8.GetBytes(manifest);
        return new LoadedPack("(generated)", PackLoader.Parse(bytes, ToolRegistry.BuiltIn.Names), Sha256Digest.Compute(CanonicalJson.Canonicalize(bytes)));
    }

    private static Recording Record(GeneratedRun run, string? workspace)
    {
        var pack = Load(run.Manifest);
        var inputs = RunInputs.Resolve(pack.Manifest, RunInputs.ParseText(run.Inputs));
        var output = new MemoryStream();
        var result = TestRuns.Execute(pack, inputs, new SessionOptionsTemplate
        {
            OpenTranscript = _ => output,
            Effects = new SimulatedEffects(run.Seed, workspace is null ? null : new Workspace(workspace), failures: true),
            Clock = new FakeTimeProvider(Epoch.AddTicks(run.StartTicks)) { AutoAdvanceAmount = TimeSpan.FromTicks(run.AdvanceTicks) },
            Random = new SplitMix64(run.Seed),
        });
        return new Recording(pack, result, output.ToArray());
    }

    private static Transcript Write(ulong seed, string packName, (string Type, string Data)[] events)
    {
        var random = new SplitMix64(seed);
        Span<byte> bytes = stackalloc byte[16 + (3 * Sha256Digest.Size)];
        random.Fill(bytes);
        var header = new TranscriptHeader
        {
            RunId = Convert.ToHexStringLower(bytes[..16]),
            PackName = packName,
            PackVersion = "1.0.0",
            PackDigest = Sha256Digest.FromBytes(bytes.Slice(16, 32)),
            InputsDigest = Sha256Digest.FromBytes(bytes.Slice(48, 32)),
            PolicyDigest = Sha256Digest.FromBytes(bytes.Slice(80, 32)),
        };
        var stream = new MemoryStream();
        using (var writer = new TranscriptWriter(stream, header, random))
        {
            foreach (var (type, data) in events)
            {
                writer.Append(type, Encoding.UTF8.GetBytes(data));
            }

            writer.Seal();
        }

        return new Transcript(stream.ToArray(), null, $"a written transcript of {events.Length} events named {Quote(packName)}");
    }

    private static (byte[] Bytes, string What, bool Structural) Tamper(byte[] original, Tampering t)
    {
        var lines = Lines(original);
        var events = lines.Count - 2;
        var kind = t.Kind;
        if ((kind is TamperKind.DropEvent or TamperKind.DuplicateEvent or TamperKind.InsertCopy && events < 1) || (kind == TamperKind.SwapAdjacent && events < 2))
        {
            kind = TamperKind.FlipBit;
        }

        var k = t.A % Math.Max(events, 1);
        switch (kind)
        {
            case TamperKind.DropEvent:
                lines.RemoveAt(1 + k);
                return (Join(lines), $"event {k} dropped", true);
            case TamperKind.DuplicateEvent:
                lines.Insert(2 + k, lines[1 + k]);
                return (Join(lines), $"event {k} duplicated", true);
            case TamperKind.SwapAdjacent:
                k = t.A % (events - 1);
                (lines[1 + k], lines[2 + k]) = (lines[2 + k], lines[1 + k]);
                return (Join(lines), $"events {k} and {k + 1} swapped", true);
            case TamperKind.InsertCopy:
                var at = t.B % (events + 1);
                lines.Insert(1 + at, lines[1 + k]);
                return (Join(lines), $"a copy of event {k} inserted before {(at == events ? "the seal" : $"event {at}")}", true);
            case TamperKind.EditHeader:
                lines[0] = EditHeaderDigit(lines[0], t, out var what);
                return (Join(lines), what, false);
            default:
                var tampered = (byte[])original.Clone();
                var position = t.A % tampered.Length;
                tampered[position] ^= (byte)(1 << (t.B % 8));
                return (tampered, $"bit {t.B % 8} of byte {position} (0x{original[position]:x2} → 0x{tampered[position]:x2}) flipped", false);
        }
    }

    /// <summary>Changes one hex digit of the run id or of a digest into another lowercase hex digit.</summary>
    private static byte[] EditHeaderDigit(byte[] line, Tampering t, out string what)
    {
        var header = Encoding.UTF8.GetString(line);
        var (field, digits) = new[] { ("\"run_id\":\"", 32), ("\"pack_digest\":\"sha256:", 64), ("\"inputs_digest\":\"sha256:", 64), ("\"policy_digest\":\"sha256:", 64) }[t.A % 4];
        var at = header.IndexOf(field, StringComparison.Ordinal) + field.Length + (t.B % digits);
        var replacement = Hex[(Hex.IndexOf(header[at], StringComparison.Ordinal) + 1 + (t.B / digits % 15)) % 16];
        what = $"header {field} digit at {at} changed from '{header[at]}' to '{replacement}'";
        return Encoding.UTF8.GetBytes(string.Concat(header.AsSpan(0, at), replacement.ToString(), header.AsSpan(at + 1)));
    }

    private static List<byte[]> Lines(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        Assert.Equal(bytes.Length, start);
        return lines;
    }

    private static byte[] Join(List<byte[]> lines) => [.. lines.SelectMany(line => line.Append((byte)'\n'))];

    private static int LineCount(byte[] bytes) => bytes.Count(b => b == (byte)'\n');

    /// <summary>The 1-based number of the first line whose bytes differ, counting a line with its newline.</summary>
    private static int FirstDifferentLine(byte[] original, byte[] tampered)
    {
        var line = 1;
        for (var i = 0; i < Math.Min(original.Length, tampered.Length); i++)
        {
            if (original[i] != tampered[i])
            {
                return line;
            }

            if (original[i] == (byte)'\n')
            {
                line++;
            }
        }

        return line;
    }

    private static byte[] FirstLine(byte[] bytes)
    {
        var newline = Array.IndexOf(bytes, (byte)'\n');
        return newline < 0 ? bytes : bytes[..newline];
    }

    private static bool IsHeader(byte[] line)
    {
        try
        {
            TranscriptHeader.Parse(line);
            return true;
        }
        catch (ReachException)
        {
            return false;
        }
    }

    private static VerificationReport Verify(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return TranscriptVerifier.Verify(stream);
    }

    private static List<(string Type, JsonElement Data)> Events(byte[] transcript)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var line in Lines(transcript).Skip(1))
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("seq", out _))
            {
                events.Add((document.RootElement.GetProperty("type").GetString()!, document.RootElement.GetProperty("data").Clone()));
            }
        }

        return events;
    }

    private static string? StepOf((string Type, JsonElement Data) e) =>
        e.Data.TryGetProperty("step", out var step) ? step.GetString() : null;

    private static DateTimeOffset At(JsonElement data) =>
        DateTimeOffset.Parse(data.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private sealed record InputSeed(string Type, string Default, string Supplied, int Mode);

    private sealed record StepSeed(int Kind, int Ref, int Choice, string Text, string Value, bool Interpolate);

    private sealed record GeneratedRun(string Manifest, string? Inputs, long StartTicks, long AdvanceTicks, ulong Seed);

    private sealed record Recording(LoadedPack Pack, RunResult Result, byte[] Bytes);

    private sealed record Transcript(byte[] Bytes, LoadedPack? Pack, string Description)
    {
        public override string ToString() => Description;
    }

    private sealed record Tampering(TamperKind Kind, int A, int B);

    private sealed record BudgetCase(int[] Steps, int[] CostTenths, int? MaxSteps, int? MaxCalls, int? MaxCostTenths, int? MaxDurationMs, int AdvanceMs, ulong Seed)
    {
        public override string ToString() =>
            $"steps [{string.Join(",", Steps)}] costs [{string.Join(",", CostTenths)}] max_steps {MaxSteps} max_tool_calls {MaxCalls} max_cost {MaxCostTenths}/10 max_duration {MaxDurationMs}ms advance {AdvanceMs}ms";
    }

    private sealed record BudgetOutcome(long Permitted, decimal Spent, ErrorCode? Code, string? Limit);

    private sealed record PolicyCase(int[] Steps, int[] Declarations, int BadTool, int BadAt, ulong Seed)
    {
        public override string ToString() => $"steps [{string.Join(",", Steps)}] declarations [{string.Join(",", Declarations)}] bad {BadTool}@{BadAt}";
    }

    /// <summary>
    /// Side effects without the world: fs tools run in a workspace when one is given; every other side-effecting call
    /// returns an output (or, now and then, a failure) drawn from the seed and the call's number.
    /// </summary>
    private sealed class SimulatedEffects(ulong seed, Workspace? workspace, bool failures) : IEffectSource
    {
        public List<(string Tool, string? Step)> Calls { get; } = [];

        public ValueTask<ToolOutcome> ExecuteAsync(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Execute(tool, stepId, input, declaration));

        private ToolOutcome Execute(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration)
        {
            Calls.Add((tool.Name, stepId));
            if (workspace is not null && tool.Name.StartsWith("fs.", StringComparison.Ordinal))
            {
                try
                {
                    return ToolOutcome.Success(tool.Execute(input, new ToolContext(workspace, declaration)));
                }
                catch (ToolException ex)
                {
                    return ToolOutcome.Failure(ex.Error, ex.Message);
                }
            }

            Span<byte> draw = stackalloc byte[8];
            new SplitMix64(seed ^ (ulong)(Calls.Count * 7919)).Fill(draw);
            var n = BitConverter.ToUInt64(draw) % 100_000;
            if (failures && n % 9 == 0)
            {
                return ToolOutcome.Failure(ErrorCatalog.ToolFailed, $"{tool.Name} failed (simulated {n})");
            }

            using var document = JsonDocument.Parse($"{{\"echo\":{input.GetRawText()},\"n\":{n},\"r\":\"out {n}\",\"tool\":\"{tool.Name}\"}}");
            return ToolOutcome.Success(document.RootElement.Clone());
        }
    }
}
