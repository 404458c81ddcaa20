using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Reach.Core.Json;

namespace Reach.Core.Tests.Json;

/// <summary>Invariants of canonical JSON over generated documents spelled in many ways.</summary>
public sealed class CanonicalJsonPropertyTests
{
    private const int Iterations = 1000;

    private static readonly Gen<double> AnyFiniteDouble = Gen.Frequency(
        (1, Gen.Double.Where(double.IsFinite)),
        (1, Gen.Long.Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite)));

    private static byte[] Canonical(string json) => CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json));

    private static string Number(double value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        CanonicalJson.WriteNumber(value, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Canonicalizing_is_idempotent()
    {
        JsonTextGen.Document.Sample(
            json =>
            {
                var once = Canonical(json);
                Assert.Equal(once, CanonicalJson.Canonicalize(once));
            },
            iter: Iterations);
    }

    [Fact]
    public void Canonical_output_reparses_to_an_equal_value()
    {
        JsonTextGen.Document.Sample(
            json =>
            {
                using var original = JsonDocument.Parse(json);
                using var canonical = JsonDocument.Parse(Canonical(json));
                Assert.True(JsonValueEquals(original.RootElement, canonical.RootElement), json);
            },
            iter: Iterations);
    }

    [Fact]
    public void Respelling_a_document_does_not_change_its_canonical_form()
    {
        // Utf8JsonWriter re-escapes every non-ASCII and HTML-sensitive character and indents: same value, other bytes.
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default };
        JsonTextGen.Document.Sample(
            json =>
            {
                using var document = JsonDocument.Parse(json);
                var respelled = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(respelled, options))
                {
                    document.RootElement.WriteTo(writer);
                }

                Assert.Equal(Canonical(json), CanonicalJson.Canonicalize(respelled.WrittenSpan));
            },
            iter: Iterations);
    }

    [Fact]
    public void Canonicalizing_an_element_equals_canonicalizing_its_text()
    {
        JsonTextGen.Document.Sample(
            json =>
            {
                using var document = JsonDocument.Parse(json);
                Assert.Equal(Canonical(json), CanonicalJson.Canonicalize(document.RootElement));
            },
            iter: Iterations);
    }

    [Fact]
    public void WriteNumber_round_trips_to_the_same_double()
    {
        AnyFiniteDouble.Sample(
            value => Assert.Equal(value, double.Parse(Number(value), NumberStyles.Float, CultureInfo.InvariantCulture)),
            iter: Iterations * 10);
    }

    [Fact]
    public void WriteNumber_matches_canonicalizing_the_number_text()
    {
        AnyFiniteDouble.Sample(
            value => Assert.Equal(Number(value), Encoding.UTF8.GetString(Canonical(value.ToString("E16", CultureInfo.InvariantCulture)))),
            iter: Iterations * 10);
    }

    [Fact]
    public void WriteInteger_equals_WriteNumber()
    {
        Gen.Frequency((1, Gen.Long[-9007199254740992L, 9007199254740992L]), (1, Gen.Long)).Sample(
            value =>
            {
                var buffer = new ArrayBufferWriter<byte>();
                CanonicalJson.WriteInteger(value, buffer);
                Assert.Equal(Number(value), Encoding.UTF8.GetString(buffer.WrittenSpan));
            },
            iter: Iterations * 10);
    }

    [Fact]
    public void WriteString_and_WriteUtf8String_agree_and_parse_back_to_the_text()
    {
        JsonTextGen.String.Sample(
            s =>
            {
                var fromChars = new ArrayBufferWriter<byte>();
                var fromUtf8 = new ArrayBufferWriter<byte>();
                CanonicalJson.WriteString(s.Value, fromChars);
                CanonicalJson.WriteUtf8String(Encoding.UTF8.GetBytes(s.Value), fromUtf8);

                Assert.Equal(fromChars.WrittenSpan.ToArray(), fromUtf8.WrittenSpan.ToArray());
                Assert.Equal(Canonical(s.Json), fromChars.WrittenSpan.ToArray());
                Assert.Equal(s.Value, JsonSerializer.Deserialize<string>(fromChars.WrittenSpan));
            },
            iter: Iterations);
    }

    private static bool JsonValueEquals(JsonElement left, JsonElement right)
    {
        if (left.ValueKind != right.ValueKind)
        {
            return false;
        }

        switch (left.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var property in left.EnumerateObject())
                {
                    count++;
                    if (!right.TryGetProperty(property.Name, out var other) || !JsonValueEquals(property.Value, other))
                    {
                        return false;
                    }
                }

                return count == right.EnumerateObject().Count();
            case JsonValueKind.Array:
                return left.GetArrayLength() == right.GetArrayLength()
                    && left.EnumerateArray().Zip(right.EnumerateArray()).All(pair => JsonValueEquals(pair.First, pair.Second));
            case JsonValueKind.Number:
                return left.GetDouble() == right.GetDouble();
            case JsonValueKind.String:
                return left.GetString() == right.GetString();
            default:
                return true;
        }
    }
}
