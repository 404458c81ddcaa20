namespace Reach.Packs.Tests;

public class ProjectTests
{
    [Fact]
    public void Schema_id_names_the_schema_file()
    {
        Assert.EndsWith(".schema.json", Reach.Packs.PacksInfo.SchemaId, StringComparison.Ordinal);
    }
}
