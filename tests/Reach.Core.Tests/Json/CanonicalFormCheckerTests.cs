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
