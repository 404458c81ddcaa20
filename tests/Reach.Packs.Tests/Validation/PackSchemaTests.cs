using System.Text;
using System.Text.Json;
using Reach.Core.Tools;
using Reach.Packs.Validation;

namespace Reach.Packs.Tests.Validation;

public class PackSchemaTests
{
    private static string SchemaPath => Path.Combine(Repository.Root, "protocol", "schemas", "pack.schema.json");

    [Fact]
    public void The_embedded_schema_is_the_protocol_file()
    {
        Assert.Equal(File.ReadAllText(SchemaPath), PackSchema.Text);
    }

    [Fact]
    public void The_schema_id_is_the_one_packs_name()
    {
        using var schema = JsonDocument.Parse(PackSchema.Text);
        Assert.Equal(PacksInfo.SchemaId, schema.RootElement.GetProperty("$id").GetString());
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public void The_schema_names_exactly_the_built_in_tools()
    {
        using var schema = JsonDocument.Parse(PackSchema.Text);
        var names = schema.RootElement.GetProperty("$defs").GetProperty("tool").GetProperty("properties").GetProperty("name").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal);
        Assert.Equal(ToolRegistry.BuiltIn.Names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Every_rule_has_a_unique_id_and_is_documented_in_PACK_FORMAT()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "PACK_FORMAT.md"));
        Assert.Equal(PackRules.All.Count, PackRules.All.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var rule in PackRules.All)
        {
            var severity = rule.Severity == FindingSeverity.Error ? "error" : "warning";
            Assert.Contains($"| {rule.Id} | {severity} |", doc, StringComparison.Ordinal);
        }
    }
}
