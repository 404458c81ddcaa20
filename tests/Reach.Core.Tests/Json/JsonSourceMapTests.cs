using System.Text;
using System.Text.Json;
using Reach.Core.Json;

namespace Reach.Core.Tests.Json;

public class JsonSourceMapTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly byte[] Sample = Encoding.UTF8.GetBytes("{\n  \"name\": \"x\",\n  \"tools\": [\n    { \"name\": \"echo\" },\n    { \"a/b\": 1 }\n  ]\n}");

    [Fact]
    public void A_member_pointer_maps_to_its_key()
    {
        var map = JsonSourceMap.Build(Sample);
        Assert.Equal(new SourcePosition(2, 3), map.Locate("/name"));
        Assert.Equal(new SourcePosition(3, 3), map.Locate("/tools"));
    }

    [Fact]
    public void An_array_item_maps_to_the_item_and_names_are_escaped()
    {
        var map = JsonSourceMap.Build(Sample);
        Assert.Equal(new SourcePosition(4, 5), map.Locate("/tools/0"));
        Assert.Equal(new SourcePosition(4, 7), map.Locate("/tools/0/name"));
        Assert.Equal(new SourcePosition(5, 7), map.Locate("/tools/1/a~1b"));
    }

    [Fact]
    public void A_missing_member_maps_to_its_nearest_ancestor()
    {
        var map = JsonSourceMap.Build(Sample);
        Assert.Equal(new SourcePosition(4, 5), map.Locate("/tools/0/permissions/3"));
        Assert.Equal(new SourcePosition(1, 1), map.Locate("/nothing"));
    }

    [Fact]
    public void Columns_count_characters_not_utf8_bytes()
    {
        var map = JsonSourceMap.Build(Encoding.UTF8.GetBytes("{\"é€😀\": 1, \"b\": 2}"));
        Assert.Equal(new SourcePosition(1, 13), map.Locate("/b"));
    }

    [Fact]
    public void Duplicate_keys_are_reported_by_pointer()
    {
        var map = JsonSourceMap.Build(Encoding.UTF8.GetBytes("{\"a\":{\"x\":1,\"x\":2},\"a\":3}"));
        Assert.Equal(["/a/x", "/a"], map.DuplicateKeys);
    }

    [Fact]
    public void Invalid_json_throws_with_its_line()
    {
        var ex = Assert.ThrowsAny<JsonException>(() => JsonSourceMap.Build(Encoding.UTF8.GetBytes("{\n\"a\": 1,,\n}")));
        Assert.Equal(1, ex.LineNumber);
    }

    [Fact]
    public void Every_key_of_an_indented_document_is_found_at_its_line_and_column()
    {
        var keys = Gen.String[Gen.Char.AlphaNumeric, 1, 6].Select(k => k + "\u00e9/~");
        var leaf = Gen.OneOf(Gen.Int.Select(i => (object)i), Gen.String[Gen.Char.AlphaNumeric, 0, 5].Select(s => (object)s));
        var gen = Gen.Dictionary(keys, leaf)[1, 6].Array[1, 4];
        gen.Sample(objects =>
        {
            var bytes = Write(objects);
            var text = Encoding.UTF8.GetString(bytes).Split('\n');
            var map = JsonSourceMap.Build(bytes);
            for (var i = 0; i < objects.Length; i++)
            {
                foreach (var key in objects[i].Keys)
                {
                    var position = map.Locate($"/items/{i}/{JsonSourceMap.Escape(key)}");
                    var line = text[position.Line - 1];
                    Assert.StartsWith(JsonSerializer.Serialize(key, Relaxed), line[(position.Column - 1)..], StringComparison.Ordinal);
                }
            }
        }, iter: 200);
    }

    private static byte[] Write(Dictionary<string, object>[] objects)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var obj in objects)
            {
                writer.WriteStartObject();
                foreach (var (key, value) in obj)
                {
                    if (value is int n)
                    {
                        writer.WriteNumber(key, n);
                    }
                    else
                    {
                        writer.WriteString(key, (string)value);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
