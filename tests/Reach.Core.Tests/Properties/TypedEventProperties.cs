using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Reflection;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tests.Json;
using Reach.Core.Tests.Transcripts;
using Reach.Core.Transcripts.Events;

namespace Reach.Core.Tests.Properties;

/// <summary>
/// Every event kind is a record with one writer and one reader: what the writer writes, the reader reads back to a
/// record that writes the same bytes, and every event of the golden transcripts reads and writes back its recorded data.
/// </summary>
public sealed class TypedEventProperties
{
    private const int Iterations = 2000;

    private static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<DateTimeOffset> Times = Gen.Long[0, 400L * 365 * TimeSpan.TicksPerDay].Select(ticks => Epoch.AddTicks(ticks));

    private static readonly Gen<string> Texts = Gen.Frequency(
        (4, Gen.String[Gen.Char.AlphaNumeric, 0, 12]),
        (2, Gen.String[Gen.Char['\u0000', '\u007f'], 0, 8]),
        (1, Gen.OneOfConst("é", "日本語", "😀", "\u2028", "a\"b\\c", "")));

    private static readonly Gen<string?> OptionalTexts = Gen.Frequency((1, Gen.Const((string?)null)), (3, Texts.Select(t => (string?)t)));

    private static readonly Gen<decimal> Costs = Gen.Frequency(
        (3, Gen.Int[0, 1_000_000].Select(i => (decimal)i)),
        (3, Gen.Int[0, 1_000_000].Select(i => i / 1000m)),
        (1, Gen.OneOfConst(0m, 0.1m, 1.50m, 123456.789m)));

    private static readonly Gen<long> Counts = Gen.Frequency((3, Gen.Long[0, 1000]), (1, Gen.Long[0, long.MaxValue]));

    private static readonly Gen<TimeSpan> Durations = Gen.Long[0, 10_000_000_000].Select(TimeSpan.FromMilliseconds);

    private static readonly Gen<BudgetUsage> Usages = Gen.Select(Counts, Counts, Costs, Durations, (steps, calls, cost, elapsed) => new BudgetUsage(steps, calls, cost, elapsed));

    private static readonly Gen<BudgetReservation> Reservations = Gen.Select(Counts, Counts, Costs, (steps, calls, cost) => new BudgetReservation(steps, calls, cost));

    private static readonly Gen<Budgets> BudgetSets = Gen.Select(
        Maybe(Counts), Maybe(Counts), Maybe(Costs), Maybe(Durations),
        (steps, calls, cost, duration) => new Budgets { MaxSteps = steps, MaxToolCalls = calls, MaxCost = cost, MaxDuration = duration });

    private static readonly Gen<GateEffect> Effects = Gen.OneOfConst(GateEffect.Permit, GateEffect.Deny);

    private static readonly Gen<ToolEffect> ToolEffects = Gen.OneOfConst(ToolEffect.Pure, ToolEffect.Recorded);

    private static readonly Gen<IReadOnlyList<string>> TextLists = Texts.Array[0, 4].Select(a => (IReadOnlyList<string>)a);

    // Any JSON value canonical JSON can hold, spelled in any of its forms.
    private static readonly Gen<JsonElement> Values = JsonTextGen.Document
        .Select(text => (Text: text, Parsed: TryParse(text)))
        .Where(x => x.Parsed is not null)
        .Select(x => x.Parsed!.Value);

    private static readonly Gen<(string? Code, GateEffect Effect, string? Step, string Tool)> Decided =
        Gen.Select(OptionalTexts, Effects, OptionalTexts, Texts, (code, effect, step, tool) => (code, effect, step, tool));

    private static readonly Gen<TranscriptEvent> Events = Gen.OneOf(
        Gen.Select(Times, BudgetSets, Values, Texts, Texts, (at, budgets, inputs, name, version) => (TranscriptEvent)new RunStartedEvent(at, budgets, inputs, name, version)),
        Gen.Select(Times, Counts, Values, OptionalTexts, Texts, (at, index, input, step, tool) => (TranscriptEvent)new StepStartedEvent(at, index, input, step, tool)),
        Gen.Select(Decided, OptionalTexts, Texts, TextLists, Gen.Bool, (d, mode, reason, rules, wouldDeny) => (TranscriptEvent)new PolicyDecisionEvent(d.Code, d.Effect, mode, reason, rules, d.Step, d.Tool, wouldDeny)),
        Gen.Select(Decided, Costs, OptionalTexts, Texts, Usages, (d, cost, limit, reason, usage) => (TranscriptEvent)new BudgetDecisionEvent(d.Code, cost, d.Effect, limit, reason, d.Step, d.Tool, usage)),
        Gen.Select(ToolEffects, Values, OptionalTexts, Texts, (effect, output, step, tool) => (TranscriptEvent)new ToolResultEvent(effect, output, step, tool)),
        Gen.Select(Texts, ToolEffects, Texts, OptionalTexts, Texts, (code, effect, message, step, tool) => (TranscriptEvent)new ToolErrorEvent(code, effect, message, step, tool)),
        Gen.Select(
            Gen.Select(Times, OptionalTexts, OptionalTexts, Maybe(Values), OptionalTexts, (at, code, gate, output, reason) => (at, code, gate, output, reason)),
            TextLists,
            Gen.OneOfConst(RunStatus.Succeeded, RunStatus.Denied, RunStatus.Failed),
            OptionalTexts,
            Usages,
            (x, rules, status, step, usage) => (TranscriptEvent)new RunFinishedEvent(x.at, x.code, x.gate, x.output, x.reason, rules, status, step, usage)),
        Gen.Select(
            Gen.Select(Times, Gen.Frequency((1, Gen.Const((Budgets?)null)), (3, BudgetSets.Select(b => (Budgets?)b))), OptionalTexts, Decided, (at, budget, child, d) => (at, budget, child, d)),
            Counts,
            OptionalTexts,
            Texts,
            Gen.Select(Maybe(Reservations), TextLists, (reserved, tools) => (reserved, tools)),
            (x, depth, limit, reason, y) => (TranscriptEvent)new SessionSpawnEvent(x.at, x.budget, x.child, x.d.Code, depth, x.d.Effect, limit, reason, y.reserved, y.tools)),
        Gen.Select(Times, Texts, Reservations, Usages, (at, child, returned, used) => (TranscriptEvent)new SessionReturnEvent(at, child, returned, used)));

    [Fact]
    public void typed_events_round_trip_byte_for_byte()
    {
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        Events.Sample(
            ev =>
            {
                var written = Canonical(ev);
                using var document = JsonDocument.Parse(written);
                var read = TranscriptEvents.Read(ev.Type, document.RootElement);
                Assert.NotNull(read);
                Assert.Equal(ev.GetType(), read.GetType());
                Assert.Equal(Encoding.UTF8.GetString(written), Encoding.UTF8.GetString(Canonical(read)));
                kinds.Add(ev.Type);
            },
            iter: Iterations);

        // Every event type Reach records has a record, and the property saw each one.
        var recorded = typeof(EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(recorded.Order(StringComparer.Ordinal), kinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_golden_event_reads_and_writes_back_its_recorded_data()
    {
        var golden = Path.Combine(Repository.Root, "tests", "golden");
        var files = Directory.GetFiles(golden, "*.jsonl");
        Assert.NotEmpty(files);
        var checkedEvents = 0;
        foreach (var file in files)
        {
            var transcript = RecordedTranscript.Read(File.ReadAllBytes(file));
            foreach (var ev in transcript.Events)
            {
                if (ev.Data is not { } data)
                {
                    continue; // redacted
                }

                var read = TranscriptEvents.Read(ev.Type, data);
                Assert.NotNull(read);
                Assert.Equal(Encoding.UTF8.GetString(CanonicalJson.Canonicalize(data)), Encoding.UTF8.GetString(Canonical(read)));
                checkedEvents++;
            }
        }

        Assert.True(checkedEvents > 10, $"only {checkedEvents} golden events were checked");
    }

    [Theory]
    [InlineData(EventTypes.BudgetDecision, """{"cost":"1","effect":"permit","reason":"r","tool":"t","usage":{"cost":0,"duration_ms":0,"steps":0,"tool_calls":0}}""")]
    [InlineData(EventTypes.PolicyDecision, """{"effect":"maybe","reason":"r","rules":[],"tool":"t"}""")]
    [InlineData(EventTypes.StepStarted, """{"at":"2020-01-01T00:00:00.0000000Z","index":0,"input":{}}""")]
    [InlineData(EventTypes.RunFinished, """{"at":"yesterday","status":"succeeded","usage":{"cost":0,"duration_ms":0,"steps":0,"tool_calls":0}}""")]
    [InlineData(EventTypes.SessionReturn, """{"at":"2020-01-01T00:00:00.0000000Z","child":"c","returned":{"cost":0,"steps":0},"used":{"cost":0,"duration_ms":0,"steps":0,"tool_calls":0}}""")]
    public void A_malformed_event_reads_as_REACH_1117(string type, string data)
    {
        using var document = JsonDocument.Parse(data);
        var error = Assert.Throws<ReachException>(() => TranscriptEvents.Read(type, document.RootElement));
        Assert.Equal(ErrorCatalog.EventMalformed, error.Error);
    }

    [Fact]
    public void An_event_type_Reach_does_not_record_reads_as_null()
    {
        using var document = JsonDocument.Parse("{}");
        Assert.Null(TranscriptEvents.Read("vendor.note", document.RootElement));
    }

    private static Gen<T?> Maybe<T>(Gen<T> gen)
        where T : struct => Gen.Frequency((1, Gen.Const((T?)null)), (3, gen.Select(v => (T?)v)));

    private static byte[] Canonical(TranscriptEvent ev)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ev.WriteData(writer);
        }

        return CanonicalJson.Canonicalize(buffer.WrittenSpan.ToArray());
    }

    private static JsonElement? TryParse(string text)
    {
        try
        {
            // Only what a transcript can hold: the canonical form of the value, wrapped as event data is.
            var canonical = CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes("{\"v\":" + text + "}"));
            using var document = JsonDocument.Parse(canonical);
            return document.RootElement.GetProperty("v").Clone();
        }
        catch (ReachException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
