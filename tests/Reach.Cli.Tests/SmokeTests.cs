namespace Reach.Cli.Tests;

public class SmokeTests
{
    [Fact]
    public void Engine_id_is_version_one() => Assert.Equal("reach/1", Reach.Core.EngineInfo.Engine);
}
