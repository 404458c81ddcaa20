using System.Text.RegularExpressions;
using Reach.Policy.Model;

namespace Reach.Policy.Tests.Model;

public class GlobPatternTests
{
    [Theory]
    [InlineData("fs.*", "fs.read", true)]
    [InlineData("fs.*", "fs/x", false)]
    [InlineData("notes/**", "notes/a/b.txt", true)]
    [InlineData("notes/*", "notes/a/b.txt", false)]
    [InlineData("*.txt", "a.txt", true)]
    [InlineData("*.txt", "a/b.txt", false)]
    [InlineData("**.txt", "a/b.txt", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "a/c", false)]
    [InlineData("*", "anything", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    public void Globs_match_as_documented(string pattern, string value, bool matches) =>
        Assert.Equal(matches, new GlobPattern(pattern).IsMatch(value));

    [Fact]
    public void The_fast_paths_agree_with_the_general_translation()
    {
        var genPattern = Gen.OneOfConst("a*", "a**", "*b", "**b", "*", "**", "a/*", "*/b", "a*b", "?").Select(Gen.OneOfConst("", "a", "/", "ab"), (p, extra) => p + extra);
        var genValue = Gen.String[Gen.Char["ab/."], 0, 6];
        Gen.Select(genPattern, genValue).Sample((pattern, value) =>
        {
            var regex = "^" + Regex.Escape(pattern).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$";
            Assert.Equal(Regex.IsMatch(value, regex, RegexOptions.Singleline), new GlobPattern(pattern).IsMatch(value));
        });
    }
}
