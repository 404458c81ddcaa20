using System.Buffers;
using System.Text;
using System.Text.Json;
using Reach.Core.Errors;
using Reach.Core.Json;

namespace Reach.Core.Tests.Json;

/// <summary>
/// The fast reader takes valid documents without <see cref="Utf8JsonReader"/> and hands everything else back
/// to it: near-miss syntax must still be refused exactly where the reader refuses it, and the cases it hands
/// back (exponents, non-canonical numbers, escapes) must come out as before.
/// </summary>
public sealed class CanonicalJsonFastReadTests
{
    [Theory]
    [InlineData("01")]
    [InlineData("-01")]
    [InlineData("-")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("+1")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1 2")]
    [InlineData("[1 2]")]
    [InlineData("[1,]")]
    [InlineData("[,1]")]
    [InlineData("[")]
    [InlineData("]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\":}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1}x")]
    [InlineData("{\"a\":1]")]
    [InlineData("[1}")]
    [InlineData("\"abc")]
    [InlineData("\"\\\"")]
    [InlineData("\"\\q\"")]
    [InlineData("\"\\u12G4\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"a\u0001b\"")]
    [InlineData("\"a\u007fb\" x")]
    [InlineData("tru")]
    [InlineData("truex")]
    [InlineData("nul")]
    [InlineData("[falsey]")]
    [InlineData("1\u00a0")]
    [InlineData("\u00a01")]
    [InlineData(" ")]
    [InlineData("\ufeff1")]
    [InlineData("/* c */1")]
    [InlineData("[1]\n// c")]
    public void Near_miss_syntax_is_refused_where_the_reader_refuses_it(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = ReaderError(bytes);
        var buffer = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<ReachException>(() => CanonicalJson.Canonicalize(bytes, buffer));

        Assert.Equal("REACH-1001", error.Code);
        Assert.Equal((int)(expected.LineNumber ?? 0) + 1, Assert.IsType<int>(error.Details["line"]));
        Assert.Equal((int)(expected.BytePositionInLine ?? 0) + 1, Assert.IsType<int>(error.Details["column"]));
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData(" [ -1 , 2.50 , 1e2 , 1E-7 , 0.000001 , 1.5e300 ] ", "[-1,2.5,100,1e-7,0.000001,1.5e+300]")]
    [InlineData("[9007199254740992,-9007199254740992,9007199254740993]", "[9007199254740992,-9007199254740992,9007199254740992]")]
    [InlineData("[1234567890123456,12345678901234567,123456789012345678]", "[1234567890123456,12345678901234568,123456789012345680]")]
    [InlineData("[100000000000000000000,1000000000000000000000]", "[100000000000000000000,1e+21]")]
    [InlineData("{\"b\":\"\\u0041\\/\\b\\u001F\",\"a\":\"\\\"\\\\\"}", "{\"a\":\"\\\"\\\\\",\"b\":\"A/\\b\\u001f\"}")]
    [InlineData("{\"\":{},\"a\":[],\"\\u0000\":[[]]}", "{\"\":{},\"\\u0000\":[[]],\"a\":[]}")]
    [InlineData("{\"abcdefgh\":1,\"abcdefg\":2,\"abcdefghi\":3,\"b\":true,\"a\":false,\"c\":null}", "{\"a\":false,\"abcdefg\":2,\"abcdefgh\":1,\"abcdefghi\":3,\"b\":true,\"c\":null}")]
    [InlineData("{\"\\ud83d\\ude00\":1,\"\ufb01\":2}", "{\"\ud83d\ude00\":1,\"\ufb01\":2}")]
    [InlineData("\t\r\n\"x\"\t\r\n", "\"x\"")]
    public void Documents_come_out_canonical(string json, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json))));

    [Fact]
    public void A_short_name_at_the_end_of_the_input_sorts_by_its_own_bytes()
    {
        // Fewer than 8 bytes follow these names, so their sort prefixes are not read past the input.
        Assert.Equal("{\"a\":{\"b\":1,\"c\":2}}", Encoding.UTF8.GetString(CanonicalJson.Canonicalize("{\"a\":{\"c\":2,\"b\":1}}"u8)));
    }

    [Fact]
    public void A_duplicate_key_found_by_the_fast_reader_is_still_REACH_1002()
    {
        var error = Assert.Throws<ReachException>(() => CanonicalJson.Canonicalize("{\"a\":1,\"b\":{\"x\":1,\"x\":2}}"u8));

        Assert.Equal("REACH-1002", error.Code);
        Assert.Equal(19, Assert.IsType<int>(error.Details["column"]));
    }

    private static JsonException ReaderError(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
            }
        }
        catch (JsonException exception)
        {
            return exception;
        }

        throw new InvalidOperationException("The reader accepts the input.");
    }
}
