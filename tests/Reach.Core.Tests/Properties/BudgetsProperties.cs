using System.Buffers;
using System.Text.Json;
using Reach.Core.Errors;
using Reach.Core.Packs;

namespace Reach.Core.Tests.Properties;

/// <summary>
/// One budgets type, two spellings: pack.json's <c>max_duration</c> text and the <c>max_duration_ms</c> of events and
/// the runner API; each has one writer and one reader, and what one writes the other of its pair reads back.
/// </summary>
public sealed class BudgetsProperties
{
    private static readonly Gen<long?> Counts = Gen.Frequency((1, Gen.Const((long?)null)), (3, Gen.Long[0, long.MaxValue].Select(n => (long?)n)));

    private static readonly Gen<decimal?> Costs = Gen.Frequency((1, Gen.Const((decimal?)null)), (3, Gen.Int[0, int.MaxValue].Select(n => (decimal?)(n / 100m))));

    // Whole milliseconds, as both spellings hold them (pack.json's text has at most nine digits).
    private static readonly Gen<TimeSpan?> Durations = Gen.Frequency(
        (1, Gen.Const((TimeSpan?)null)),
        (3, Gen.Long[0, 999_999_999].Select(ms => (TimeSpan?)TimeSpan.FromMilliseconds(ms))),
        (1, Gen.Long[0, 999].Select(h => (TimeSpan?)TimeSpan.FromHours(h))));

    private static readonly Gen<Budgets> Sets = Gen.Select(Counts, Counts, Costs, Durations, (steps, calls, cost, duration) => new Budgets { MaxSteps = steps, MaxToolCalls = calls, MaxCost = cost, MaxDuration = duration });

    [Fact]
    public void Budgets_round_trip_in_both_spellings()
    {
        Sets.Sample(
            budgets =>
            {
                var millis = Written(budgets.WriteMembers);
                Assert.DoesNotContain("\"max_duration\"", millis, StringComparison.Ordinal);
                Assert.Equal(budgets, Budgets.Read(Parse(millis)));
                var manifest = Written(budgets.WriteManifestMembers);
                Assert.DoesNotContain("max_duration_ms", manifest, StringComparison.Ordinal);
                Assert.Equal(budgets, Budgets.ReadManifest(Parse(manifest), static (name, expected) => new ReachException(ErrorCatalog.InvalidBudget, $"{name} must be {expected}")));
            },
            iter: 1000);
    }

    [Theory]
    [InlineData("""{"max_steps":-1}""", "max_steps")]
    [InlineData("""{"max_cost":"1"}""", "max_cost")]
    [InlineData("""{"max_duration_ms":1.5}""", "max_duration_ms")]
    public void The_milliseconds_reader_hands_a_malformed_limit_to_the_caller(string json, string member)
    {
        var error = Assert.Throws<ReachException>(() => Budgets.Read(Parse(json), static (name, expected) => new ReachException(ErrorCatalog.InvalidBudget, name)));
        Assert.Equal(member, error.Message);
    }

    [Theory]
    [InlineData("""{"max_duration":"30"}""", "max_duration")]
    [InlineData("""{"max_duration_ms":30000}""", "max_duration_ms")]
    [InlineData("""{"max_steps":null}""", "max_steps")]
    public void The_manifest_reader_refuses_what_pack_json_does_not_spell(string json, string member)
    {
        var error = Assert.Throws<ReachException>(() => Budgets.ReadManifest(Parse(json), static (name, expected) => new ReachException(ErrorCatalog.InvalidBudget, name)));
        Assert.Equal(member, error.Message);
        Assert.Equal(new Budgets(), Budgets.ReadManifest(Parse(json)));
    }

    private static string Written(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonElement Parse(string json) => JsonSerializer.Deserialize<JsonElement>(json);
}
