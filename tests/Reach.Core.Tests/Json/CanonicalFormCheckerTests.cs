using System.Text;
using Reach.Core.Json;

namespace Reach.Core.Tests.Json;

public class CanonicalFormCheckerTests
{
    private static bool Check(string json) => new CanonicalFormChecker().IsCanonical(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"a":"\u001f"}""")]
    [InlineData("""{"a":"\\u0041"}""")]
    [InlineData("""{"a":"\"\\\b\f\n\r\t"}""")]
    [InlineData("""{"a":"x\\/y"}""")]
    [InlineData("""{"a":1,"b":[true,null,-0.5,1e+21]}""")]
    [InlineData("{\"\u00e9\":1,\"\ud83d\ude00\":2,\"\uffff\":3}")]
    public void Canonical_documents_pass(string json) => Assert.True(Check(json), json);

    [Theory]
    [InlineData("""{"a":"\/"}""")]
    [InlineData("""{"a":"x\\\/y"}""")]
    [InlineData("""{"a":"\u0041"}""")]
    [InlineData("""{"a":"\u001F"}""")]
    [InlineData("""{"a":"\u000a"}""")]
    [InlineData("""{"a":"\u00e9"}""")]
    [InlineData("""{"b":1,"a":2}""")]
    [InlineData("""{"a": 1}""")]
    [InlineData("""{"a":1.0}""")]
    [InlineData("""{"a":1E+21}""")]
    [InlineData("{\"\uffff\":1,\"\ud83d\ude00\":2}")]
    [InlineData("""{"a":1} """)]
    public void Re_spelled_or_unsorted_documents_fail(string json) => Assert.False(Check(json), json);

    [Fact]
    public void Top_level_members_are_located_without_a_second_parse()
    {
        var checker = new CanonicalFormChecker();
        var json = Encoding.UTF8.GetBytes("""{"data":{"x":[1,2]},"seq":7,"type":"t"}""");
        Assert.True(checker.IsCanonical(json));
        var members = checker.TopLevelMembers.ToArray();
        Assert.Equal(3, members.Length);
        Assert.Equal("""{"x":[1,2]}""", Encoding.UTF8.GetString(json, members[0].ValueStart, members[0].ValueLength));
        Assert.Equal("7", Encoding.UTF8.GetString(json, members[1].ValueStart, members[1].ValueLength));
        Assert.Equal("\"t\"", Encoding.UTF8.GetString(json, members[2].ValueStart, members[2].ValueLength));
        Assert.Equal("type", Encoding.UTF8.GetString(json, members[2].NameStart, members[2].NameLength));
    }
}

public class CanonicalFormCheckerNumberTests
{
    [Fact]
    public void The_fast_number_path_agrees_with_the_canonicalizer()
    {
        Gen.Select(Gen.Double, Gen.Int[0, 17], Gen.Int[-12, 12]).Sample((d, digits, shift) =>
        {
            // One checker per case: CsCheck runs cases on several threads, and a checker is not thread-safe.
            var checker = new CanonicalFormChecker();
            // Spell numbers many ways, canonical or not, and compare the checker with canonicalize-then-compare.
            var value = Math.Round(d % 1e6, digits % 16) * Math.Pow(10, shift);
            foreach (var text in new[]
            {
                value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                value.ToString("F" + (digits % 10), System.Globalization.CultureInfo.InvariantCulture),
                value.ToString("E" + (digits % 10), System.Globalization.CultureInfo.InvariantCulture),
            })
            {
                var json = System.Text.Encoding.UTF8.GetBytes("[" + text + "]");
                byte[] canonical;
                try
                {
                    canonical = CanonicalJson.Canonicalize(json);
                }
                catch (Reach.Core.Errors.ReachException)
                {
                    continue;
                }

                var expected = canonical.AsSpan().SequenceEqual(json);
                Assert.True(expected == checker.IsCanonical(json), $"{text}: canonical form {System.Text.Encoding.UTF8.GetString(canonical)}, checker said {!expected}");
            }
        }, iter: 2000);
    }

    [Theory]
    [InlineData("[0.5]", true)]
    [InlineData("[0.000001]", true)]
    [InlineData("[0.0000001]", false)]
    [InlineData("[1.50]", false)]
    [InlineData("[123456789012.345]", true)]
    [InlineData("[1234567890123.4567]", false)]
    [InlineData("[-0.25]", true)]
    [InlineData("[0.30000000000000004]", true)]
    [InlineData("[00.5]", false)]
    public void Decimal_spellings_are_judged_exactly(string json, bool canonical) =>
        Assert.Equal(canonical, new CanonicalFormChecker().IsCanonical(System.Text.Encoding.UTF8.GetBytes(json)));
}
