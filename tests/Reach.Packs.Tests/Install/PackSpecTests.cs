using Reach.Packs.Install;

namespace Reach.Packs.Tests.Install;

/// <summary>NAME@VERSION is split one way, at the first '@', by the installer, the CLI and the runner alike.</summary>
public sealed class PackSpecTests
{
    [Theory]
    [InlineData("hello", "hello", null)]
    [InlineData("hello@1.2.0", "hello", "1.2.0")]
    [InlineData("hello@1.2.0@x", "hello", "1.2.0@x")]
    [InlineData("@1.2.0", "", "1.2.0")]
    [InlineData("hello@", "hello", "")]
    public void A_spec_is_split_at_its_first_at_sign(string spec, string name, string? version)
    {
        Assert.Equal(new PackSpec(name, version), PackSpec.Parse(spec));
    }
}
