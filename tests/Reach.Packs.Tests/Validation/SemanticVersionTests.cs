using Reach.Packs.Validation;

namespace Reach.Packs.Tests.Validation;

public class SemanticVersionTests
{
    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.1.0")]
    [InlineData("10.20.30")]
    [InlineData("1.0.0-alpha")]
    [InlineData("1.0.0-alpha.1")]
    [InlineData("1.0.0-0.3.7")]
    [InlineData("1.0.0-x-y-z.--")]
    [InlineData("1.0.0+20130313144700")]
    [InlineData("1.0.0-beta+exp.sha.5114f85")]
    public void Semver_versions_are_accepted(string version) => Assert.True(SemanticVersion.IsValid(version));

    [Theory]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-01")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0+")]
    [InlineData("1.0.0\n")]
    [InlineData("1.0.0-alpha..1")]
    [InlineData("١.٠.٠")]
    public void Other_strings_are_refused(string version) => Assert.False(SemanticVersion.IsValid(version));

    [Fact]
    public void Any_three_non_negative_numbers_make_a_version_and_a_leading_zero_breaks_it()
    {
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue]).Sample((major, minor, patch) =>
        {
            var version = FormattableString.Invariant($"{major}.{minor}.{patch}");
            Assert.True(SemanticVersion.IsValid(version));
            Assert.False(SemanticVersion.IsValid("0" + version));
        });
    }
}
