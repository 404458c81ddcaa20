using System.Buffers;
using System.Globalization;
using System.Text;
using Reach.Core.Errors;
using Reach.Core.Json;

namespace Reach.Core.Tests.Json;

/// <summary>The examples published in RFC 8785 and the ECMAScript number rules it relies on.</summary>
public sealed class CanonicalJsonRfcTests
{
    internal static string Canonical(string json) => Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));

    internal static string Number(double value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        CanonicalJson.WriteNumber(value, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void The_section_3_2_2_sample_gives_the_published_bytes()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        // RFC 8785 §3.2.4, the canonical form in hexadecimal.
        const string published =
            "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 5d 2c 22 6e " +
            "75 6d 62 65 72 73 22 3a 5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31 65 2b 33 30 " +
            "2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 " +
            "5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d";

        var canonical = CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(input));

        Assert.Equal(Convert.FromHexString(published.Replace(" ", "", StringComparison.Ordinal)), canonical);
        Assert.Equal(
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
            Encoding.UTF8.GetString(canonical));
    }

    [Fact]
    public void The_section_3_2_3_sample_sorts_keys_by_utf16_code_units()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
            "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            Canonical(input));
    }

    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void Appendix_B_numbers_are_written_as_published(string ieee754, string expected)
    {
        var value = BitConverter.Int64BitsToDouble(unchecked((long)ulong.Parse(ieee754, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));

        Assert.Equal(expected, Number(value));
        Assert.Equal(expected, Canonical(value.ToString("R", CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("7fffffffffffffff")]
    [InlineData("7ff0000000000000")]
    [InlineData("fff0000000000000")]
    public void Appendix_B_NaN_and_infinities_are_refused(string ieee754)
    {
        var value = BitConverter.Int64BitsToDouble(unchecked((long)ulong.Parse(ieee754, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        var buffer = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<ReachException>(() => CanonicalJson.WriteNumber(value, buffer));

        Assert.Equal("REACH-1004", error.Code);
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Theory]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("-9007199254740993", "-9007199254740992")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("-0e5", "0")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1E21", "1e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("1e-6", "0.000001")]
    [InlineData("1.2345678901234568e20", "123456789012345680000")]
    [InlineData("123456789012345678901234567890", "1.2345678901234568e+29")]
    [InlineData("1.0", "1")]
    [InlineData("100e-2", "1")]
    [InlineData("0.1", "0.1")]
    [InlineData("-1.5e-10", "-1.5e-10")]
    [InlineData("1e-400", "0")]
    [InlineData("2.4703282292062328e-324", "5e-324")]
    public void Numbers_follow_ECMAScript_Number_toString(string json, string expected) => Assert.Equal(expected, Canonical(json));

    [Fact]
    public void Negative_zero_is_written_as_zero() => Assert.Equal("0", Number(-0.0));

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)]
    [InlineData(1234567890L)]
    [InlineData(9007199254740992L)]
    [InlineData(-9007199254740992L)]
    [InlineData(9007199254740993L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void WriteInteger_writes_what_WriteNumber_writes_for_the_same_value(long value)
    {
        var buffer = new ArrayBufferWriter<byte>();

        CanonicalJson.WriteInteger(value, buffer);

        Assert.Equal(Number(value), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Keys_above_U_FFFF_sort_before_keys_in_U_E000_to_U_FFFF()
    {
        // By code point U+10000 > U+FFFF, but its UTF-16 form starts with the surrogate D800 < FFFF.
        var canonical = Canonical("{\"\\uffff\":1,\"\\ue000\":2,\"\\ud800\\udc00\":3,\"\\ud7ff\":4}");

        Assert.Equal("{\"\ud7ff\":4,\"\ud800\udc00\":3,\"\ue000\":2,\"\uffff\":1}", canonical);
        Assert.True(string.CompareOrdinal("\ud800\udc00", "\ue000") < 0);
    }

    [Fact]
    public void Keys_sort_by_code_units_not_by_culture()
    {
        Assert.Equal("{\"B\":1,\"a\":2,\"aa\":3,\"ab\":4,\"b\":5}", Canonical("{\"b\":5,\"ab\":4,\"aa\":3,\"a\":2,\"B\":1}"));
    }

    [Fact]
    public void Nested_objects_are_sorted_and_arrays_keep_their_order()
    {
        Assert.Equal(
            "{\"a\":[3,{\"x\":1,\"y\":2},1],\"b\":{\"c\":{\"d\":null,\"e\":true}}}",
            Canonical(" { \"b\" : { \"c\" : { \"e\" : true , \"d\" : null } } ,\n\t\"a\" : [ 3 , { \"y\" : 2 , \"x\" : 1 } , 1 ] } "));
    }

    [Fact]
    public void Strings_escape_only_quote_backslash_and_control_characters()
    {
        Assert.Equal(
            "\"\\b\\t\\n\\f\\r\\u0000\\u001f\\u000b\\\"\\\\/\u007f\u2028\u2029\u00e9\ud83d\ude00\"",
            Canonical("\"\\b\\t\\n\\f\\r\\u0000\\u001F\\u000b\\\"\\\\\\/\\u007f\\u2028\u2029\\u00E9\\ud83d\\ude00\""));
    }

    [Fact]
    public void Escaped_and_literal_spellings_of_a_string_are_the_same_canonical_text()
    {
        Assert.Equal(Canonical("\"é€😀/\""), Canonical("\"\\u00e9\\u20AC\\uD83D\\uDE00\\/\""));
    }

    [Fact]
    public void A_top_level_scalar_is_canonicalized()
    {
        Assert.Equal("\"x\"", Canonical(" \"x\" "));
        Assert.Equal("true", Canonical("true"));
        Assert.Equal("null", Canonical("\nnull\n"));
        Assert.Equal("[]", Canonical("[ ]"));
        Assert.Equal("{}", Canonical("{ }"));
    }
}
