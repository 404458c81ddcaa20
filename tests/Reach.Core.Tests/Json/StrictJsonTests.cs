using System.Text;
using System.Text.Json;
using CsCheck;
using Reach.Core.Errors;
using Reach.Core.Json;

namespace Reach.Core.Tests.Json;

/// <summary>The one strict reader accepts exactly what canonical JSON can record, at every level, from bytes or text.</summary>
public sealed class StrictJsonTests
{
    [Fact]
    public void What_the_strict_reader_accepts_canonicalizes_to_the_same_bytes_as_the_text()
    {
        JsonTextGen.Document.Sample(
            json =>
            {
                var element = StrictJson.Parse(Encoding.UTF8.GetBytes(json));
                Assert.Equal(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)), CanonicalJson.Canonicalize(element));
            },
            iter: 500);
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", "REACH-1002")]
    [InlineData("""{"x":{"a":1,"a":2}}""", "REACH-1002")]
    [InlineData("""{"a":"\ud800"}""", "REACH-1003")]
    [InlineData("""{"\udc00":1}""", "REACH-1003")]
    [InlineData("""{"a":1e400}""", "REACH-1004")]
    [InlineData("""{"a":1,}""", "REACH-1001")]
    [InlineData("""{"a":1} // comment""", "REACH-1001")]
    public void Text_canonical_JSON_cannot_hold_is_refused_with_its_code(string json, string code)
    {
        var ex = Assert.Throws<ReachException>(() => StrictJson.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(code, ex.Code);
        Assert.True(ex.Details.ContainsKey("line"));
    }

    [Fact]
    public void Invalid_UTF_8_is_refused_not_replaced()
    {
        var ex = Assert.Throws<ReachException>(() => StrictJson.Parse([.. "{\"a\":\""u8, 0xFF, .. "\"}"u8]));

        Assert.Equal(ErrorCatalog.JsonInvalid, ex.Error);
        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_in_the_text_itself_is_refused_like_an_escaped_one()
    {
        var ex = Assert.Throws<ReachException>(() => StrictJson.Parse("{\"a\":\"\ud800\"}"));

        Assert.Equal(ErrorCatalog.JsonLoneSurrogate, ex.Error);
    }

    [Fact]
    public void One_leading_byte_order_mark_is_skipped_and_a_second_is_refused()
    {
        var once = StrictJson.Parse([0xEF, 0xBB, 0xBF, .. "{\"a\":1}"u8]);
        var twice = Assert.Throws<ReachException>(() => StrictJson.Parse([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. "{\"a\":1}"u8]));

        Assert.Equal(1, once.GetProperty("a").GetInt32());
        Assert.Equal(ErrorCatalog.JsonInvalid, twice.Error);
    }

    [Fact]
    public void Check_refuses_an_element_another_reader_let_through()
    {
        using var lenient = JsonDocument.Parse("""{"a":1,"b":{"c":"\ud800"}}""");

        var ex = Assert.Throws<ReachException>(() => StrictJson.Check(lenient.RootElement));

        Assert.Equal(ErrorCatalog.JsonLoneSurrogate, ex.Error);
    }
}
