using System.Buffers;
using System.Text;
using System.Text.Json;
using Reach.Core.Errors;
using Reach.Core.Json;

namespace Reach.Core.Tests.Json;

/// <summary>Refused input: each catalogue code, with the 1-based line and column it names.</summary>
public sealed class CanonicalJsonErrorTests
{
    private static ReachException Refuse(string json) => Refuse(Encoding.UTF8.GetBytes(json));

    private static ReachException Refuse(byte[] json)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var error = Assert.Throws<ReachException>(() => CanonicalJson.Canonicalize(json, buffer));
        Assert.Equal(0, buffer.WrittenCount);
        return error;
    }

    private static void AssertAt(ReachException error, string code, int line, int column)
    {
        Assert.Equal(code, error.Code);
        Assert.Equal(line, Assert.IsType<int>(error.Details["line"]));
        Assert.Equal(column, Assert.IsType<int>(error.Details["column"]));
        Assert.Contains($"line {line}, column {column}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\n  \"a\": 1,\n  \"b\": tru\n}", 3, 11)]
    [InlineData("[1,\n 2,]", 2, 4)]
    [InlineData("// note\n1", 1, 1)]
    [InlineData("{\"a\":1}\n{}", 2, 1)]
    [InlineData("", 1, 1)]
    [InlineData("[\"a\tb\"]", 1, 4)]
    [InlineData("{'a':1}", 1, 2)]
    [InlineData("[01]", 1, 3)]
    public void Syntax_errors_are_REACH_1001_at_their_line_and_column(string json, int line, int column) =>
        AssertAt(Refuse(json), "REACH-1001", line, column);

    [Fact]
    public void Invalid_UTF_8_in_a_string_is_REACH_1001_at_the_bad_byte()
    {
        byte[] json = [.. "[\n  \"ab"u8, 0xC3, 0x28, .. "\"]"u8];

        AssertAt(Refuse(json), "REACH-1001", 2, 6);
    }

    [Fact]
    public void An_encoded_surrogate_in_UTF_8_is_REACH_1001()
    {
        byte[] json = [.. "\""u8, 0xED, 0xA0, 0x80, .. "\""u8];

        AssertAt(Refuse(json), "REACH-1001", 1, 2);
    }

    [Fact]
    public void A_duplicate_key_is_REACH_1002_at_its_second_occurrence()
    {
        var error = Refuse("{\n  \"a\": 1,\n  \"b\": 2,\n  \"a\": 3\n}");

        AssertAt(error, "REACH-1002", 4, 3);
        Assert.Equal("a", error.Details["key"]);
    }

    [Fact]
    public void Keys_equal_after_unescaping_are_duplicates()
    {
        AssertAt(Refuse("{\"a\":{\"\u00e9\":1,\"x\":0,\"\\u00e9\":2}}"), "REACH-1002", 1, 20);
    }

    [Fact]
    public void A_duplicate_in_a_large_object_is_found()
    {
        var members = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i % 39}\":{i}"));

        AssertAt(Refuse("{" + members + "}"), "REACH-1002", 1, 2 + members.IndexOf("\"k0\":39", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[\n  \"x\\ud800y\"\n]", 2, 5)]
    [InlineData("\"\\udc00\"", 1, 2)]
    [InlineData("\"\\ud800\\u0041\"", 1, 2)]
    [InlineData("\"ab\\uD83D\"", 1, 4)]
    [InlineData("{\"\\ud800\":1}", 1, 3)]
    public void A_lone_surrogate_escape_is_REACH_1003(string json, int line, int column) =>
        AssertAt(Refuse(json), "REACH-1003", line, column);

    [Theory]
    [InlineData("{\"big\": 1e400}", 1, 9)]
    [InlineData("[\n -1.8e308]", 2, 2)]
    [InlineData("2e308", 1, 1)]
    public void A_number_beyond_a_double_is_REACH_1004(string json, int line, int column) =>
        AssertAt(Refuse(json), "REACH-1004", line, column);

    [Fact]
    public void Sixty_four_levels_of_nesting_are_accepted()
    {
        var json = new string('[', CanonicalJson.MaxDepth) + new string(']', CanonicalJson.MaxDepth);

        Assert.Equal(json, CanonicalJsonRfcTests.Canonical(json));
    }

    [Fact]
    public void Sixty_five_levels_of_nesting_are_REACH_1005_at_the_sixty_fifth_bracket()
    {
        var json = string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "[1]" + new string('}', 64);

        AssertAt(Refuse(json), "REACH-1005", 1, (64 * 5) + 1);
    }

    [Fact]
    public void Errors_carry_the_catalogue_entry()
    {
        var error = Refuse("[");

        Assert.Same(ErrorCatalog.JsonInvalid, error.Error);
        Assert.StartsWith(ErrorCatalog.JsonInvalid.Title, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteElement_refuses_duplicate_keys_that_JsonDocument_keeps()
    {
        using var document = JsonDocument.Parse("{\"x\":{\"a\":1,\"a\":2}}");

        var error = Assert.Throws<ReachException>(() => CanonicalJson.Canonicalize(document.RootElement.GetProperty("x")));

        AssertAt(error, "REACH-1002", 1, 8);
    }

    [Fact]
    public void WriteElement_refuses_a_lone_surrogate_that_JsonDocument_keeps()
    {
        using var document = JsonDocument.Parse("[\"\\ud800\"]");

        var error = Assert.Throws<ReachException>(() => CanonicalJson.WriteElement(document.RootElement, new ArrayBufferWriter<byte>()));

        Assert.Equal("REACH-1003", error.Code);
    }

    [Fact]
    public void WriteElement_writes_what_Canonicalize_writes_for_the_same_text()
    {
        const string json = "{\"b\":[1.50,\"\\u00e9\",{\"z\":null,\"y\":1e21}],\"a\":-0}";
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>();

        CanonicalJson.WriteElement(document.RootElement, buffer);

        Assert.Equal(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)), buffer.WrittenSpan.ToArray());
        Assert.Equal("[1.5,\"é\",{\"y\":1e+21,\"z\":null}]", Encoding.UTF8.GetString(CanonicalJson.Canonicalize(document.RootElement.GetProperty("b"))));
    }

    [Fact]
    public void WriteElement_accepts_an_element_of_a_document_parsed_with_comments_and_trailing_commas()
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var document = JsonDocument.Parse("{\"b\" : 2 /* two */, \"a\": [1, 2,],}", options);

        Assert.Equal("{\"a\":[1,2],\"b\":2}", Encoding.UTF8.GetString(CanonicalJson.Canonicalize(document.RootElement)));
    }

    [Fact]
    public void WriteString_refuses_a_lone_surrogate_and_writes_nothing()
    {
        var buffer = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<ReachException>(() => CanonicalJson.WriteString("ok\ud83d!", buffer));

        Assert.Equal("REACH-1003", error.Code);
        Assert.Equal(2, error.Details["index"]);
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public void WriteString_escapes_as_the_RFC_says()
    {
        var buffer = new ArrayBufferWriter<byte>();

        CanonicalJson.WriteString("a\"b\\c/\u0001\b\t\n\f\r\u2028é😀\u007f", buffer);

        Assert.Equal("\"a\\\"b\\\\c/\\u0001\\b\\t\\n\\f\\r\u2028é😀\u007f\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void WriteString_handles_text_longer_than_its_transcoding_chunk()
    {
        var text = string.Concat(Enumerable.Repeat("x😀\n\"é", 500));
        var buffer = new ArrayBufferWriter<byte>();

        CanonicalJson.WriteString(text, buffer);

        Assert.Equal(text, JsonSerializer.Deserialize<string>(buffer.WrittenSpan));
    }

    [Fact]
    public void WriteUtf8String_refuses_invalid_UTF_8()
    {
        var buffer = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<ReachException>(() => CanonicalJson.WriteUtf8String([0x61, 0xFF], buffer));

        Assert.Equal("REACH-1001", error.Code);
        Assert.Equal(1, error.Details["offset"]);
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public void WriteUtf8String_copies_plain_runs_and_escapes_the_rest()
    {
        var buffer = new ArrayBufferWriter<byte>();

        CanonicalJson.WriteUtf8String("plain é\u001f\"end"u8, buffer);

        Assert.Equal("\"plain é\\u001f\\\"end\""u8.ToArray(), buffer.WrittenSpan.ToArray());
    }
}
