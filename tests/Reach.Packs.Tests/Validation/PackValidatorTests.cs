using System.Text;
using System.Text.Json;
using Reach.Core.Errors;
using Reach.Packs.Validation;

namespace Reach.Packs.Tests.Validation;

public class PackValidatorTests
{
    [Fact]
    public void A_good_pack_has_no_findings()
    {
        using var pack = new PackDirectory();
        var report = PackValidator.Validate(pack.Path);
        Assert.True(report.Ok);
        Assert.Empty(report.Findings);
        Assert.Equal("good", report.Name);
    }

    [Theory]
    [InlineData("\"version\": \"1.0.0\"", "\"version\": \"1.0\"", "PACK001", "/version")]
    [InlineData("\"description\": \"A pack every rule accepts.\",", "", "PACK002", "")]
    [InlineData("{ \"name\": \"fs.write\", \"permissions\": [\"fs:write\"], \"cost\": 1 }", "{ \"name\": \"fs.write\", \"permissions\": [\"fs:write\"], \"cost\": 1 }, { \"name\": \"echo\" }", "PACK003", "/tools/2")]
    [InlineData("\"tool\": \"fs.write\"", "\"tool\": \"fs.read\"", "PACK004", "/steps/1/tool")]
    [InlineData("[\"fs:write\"]", "[\"fs:*\"]", "PACK005", "/tools/1/permissions/0")]
    [InlineData("\"budgets\": { \"max_steps\": 5, \"max_tool_calls\": 5, \"max_cost\": 5, \"max_duration\": \"10s\" }", "\"budgets\": {}", "PACK006", "/budgets")]
    [InlineData("\"max_cost\": 5, ", "", "PACK007", "/budgets")]
    [InlineData("\"id\": \"save\"", "\"id\": \"greet\"", "PACK008", "/steps/1/id")]
    [InlineData("${inputs.name}", "${steps.save.output}", "PACK009", "/steps/0/input/values/name")]
    [InlineData("${inputs.name}", "${inputs.nobody}", "PACK009", "/steps/0/input/values/name")]
    [InlineData("${inputs.name}", "${steps.}", "PACK009", "/steps/0/input/values/name")]
    [InlineData("[\"fs:write\"]", "[]", "PACK011", "/tools/1")]
    [InlineData("[\"fs:write\"]", "[\"fs:write\", \"proc:exec\"]", "PACK012", "/tools/1/permissions/1")]
    [InlineData("{ \"name\": \"text.template\", \"cost\": 1 },", "{ \"name\": \"text.template\", \"cost\": 1 }, { \"name\": \"text.template\" },", "PACK013", "/tools/1/name")]
    [InlineData("\"$schema\": \"https://reach.dev/schemas/pack.schema.json\",", "", "PACK014", "")]
    [InlineData("{ \"name\": \"text.template\", \"cost\": 1 },", "{ \"name\": \"text.template\", \"cost\": 1 }, { \"name\": \"http.get\", \"permissions\": [\"net:http\"] },", "PACK015", "/tools/1")]
    [InlineData("\"name\": \"good\",", "\"name\": \"good\", \"files\": [\"missing.txt\"],", "PACK016", "/files/0")]
    [InlineData("\"name\": \"good\",", "\"name\": \"good\", \"files\": [\"../outside\"],", "PACK016", "/files/0")]
    public void Each_rule_reports_its_id_and_pointer(string find, string replace, string rule, string pointer)
    {
        Assert.Contains(find, PackDirectory.Good, StringComparison.Ordinal);
        using var pack = new PackDirectory(PackDirectory.Good.Replace(find, replace, StringComparison.Ordinal));
        var report = PackValidator.Validate(pack.Path);
        var finding = Assert.Single(report.Findings, f => f.Rule.Id == rule);
        Assert.Equal(pointer, finding.Pointer);
        Assert.NotNull(finding.Position);
        Assert.Equal(finding.Rule.Severity == FindingSeverity.Error, !report.Ok);
    }

    [Fact]
    public void A_file_the_manifest_does_not_account_for_is_an_error_until_listed()
    {
        using var pack = new PackDirectory();
        pack.Write("README.md", "# good");
        pack.Write("pack.json.minisig", "sig");
        pack.Write("data/notes.txt", "notes");
        var finding = Assert.Single(PackValidator.Validate(pack.Path).Findings);
        Assert.Equal("PACK010", finding.Rule.Id);
        Assert.Equal("data/notes.txt", finding.File);

        pack.Write("pack.json", PackDirectory.Good.Replace("\"name\": \"good\",", "\"name\": \"good\", \"files\": [\"data/\"],", StringComparison.Ordinal));
        Assert.Empty(PackValidator.Validate(pack.Path).Findings);
    }

    [Fact]
    public void A_file_a_step_names_is_accounted_for()
    {
        using var pack = new PackDirectory(PackDirectory.Good.Replace("\"out.txt\"", "\"./out.txt\"", StringComparison.Ordinal));
        pack.Write("out.txt", "template output");
        Assert.Empty(PackValidator.Validate(pack.Path).Findings);
    }

    [Fact]
    public void Schema_errors_name_pointer_line_and_column_and_stop_before_lint()
    {
        using var pack = new PackDirectory("{\n  \"name\": \"bad\",\n  \"version\": 1,\n  \"budget\": {},\n  \"tools\": [ { \"name\": \"fs.reed\" } ],\n  \"steps\": []\n}");
        var report = PackValidator.Validate(pack.Path);
        Assert.False(report.Ok);
        Assert.All(report.Findings, f => Assert.Equal("PACK000", f.Rule.Id));
        Assert.Null(report.Audit);
        var version = Assert.Single(report.Findings, f => f.Pointer == "/version");
        Assert.Equal(new SourcePosition(3, 3), version.Position);
        var extra = Assert.Single(report.Findings, f => f.Pointer == "/budget");
        Assert.Contains("did you mean \"budgets\"", extra.Message, StringComparison.Ordinal);
        var tool = Assert.Single(report.Findings, f => f.Pointer == "/tools/0/name");
        Assert.Equal(new SourcePosition(5, 16), tool.Position);
        Assert.Contains("fs.read", tool.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_is_one_finding_with_its_line_and_column()
    {
        using var pack = new PackDirectory("{\n  \"name\": \"x\",,\n}");
        var finding = Assert.Single(PackValidator.Validate(pack.Path).Findings);
        Assert.Equal("PACK000", finding.Rule.Id);
        Assert.Equal(2, finding.Position!.Value.Line);
        Assert.Contains("not valid JSON", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_key_is_a_schema_error()
    {
        using var pack = new PackDirectory(PackDirectory.Good.Replace("\"name\": \"good\",", "\"name\": \"good\", \"name\": \"again\",", StringComparison.Ordinal));
        var finding = Assert.Single(PackValidator.Validate(pack.Path).Findings);
        Assert.Equal("/name", finding.Pointer);
        Assert.Contains("twice", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_or_manifest_is_REACH_2001()
    {
        var missing = Path.Combine(Path.GetTempPath(), "reach-no-such-pack-" + Guid.NewGuid().ToString("N"));
        Assert.Equal("REACH-2001", Assert.Throws<ReachException>(() => PackValidator.Validate(missing)).Code);
        using var pack = new PackDirectory();
        File.Delete(Path.Combine(pack.Path, "pack.json"));
        Assert.Equal("REACH-2001", Assert.Throws<ReachException>(() => PackValidator.Validate(pack.Path)).Code);
    }

    [Fact]
    public void Any_text_as_pack_json_gives_a_report_never_an_exception()
    {
        using var pack = new PackDirectory();
        var good = Encoding.UTF8.GetBytes(PackDirectory.Good);
        var mutations = Gen.Select(Gen.Int[0, good.Length - 1], Gen.Byte, Gen.Int[0, 3]).Array[1, 4];
        mutations.Sample(edits =>
        {
            var bytes = (byte[])good.Clone();
            foreach (var (at, value, kind) in edits)
            {
                bytes[at] = kind == 0 ? value : kind == 1 ? (byte)'"' : kind == 2 ? (byte)'}' : (byte)' ';
            }

            File.WriteAllBytes(Path.Combine(pack.Path, "pack.json"), bytes);
            var report = PackValidator.Validate(pack.Path);
            Assert.All(report.Findings, f => Assert.False(string.IsNullOrEmpty(f.Message)));
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Every_example_pack_validates_except_denied_which_calls_an_undeclared_tool()
    {
        foreach (var dir in Directory.GetDirectories(Path.Combine(Repository.Root, "examples", "packs")))
        {
            var report = PackValidator.Validate(dir);
            if (Path.GetFileName(dir) == "denied")
            {
                Assert.Equal("PACK004", Assert.Single(report.Errors).Rule.Id);
            }
            else
            {
                Assert.True(report.Ok, $"{dir}: {string.Join("; ", report.Errors.Select(e => e.Message))}");
            }

            Assert.DoesNotContain(report.Findings, f => f.Rule.Id == "PACK014");
        }
    }

    [Fact]
    public void Golden_packs_still_validate_though_they_predate_the_schema()
    {
        foreach (var dir in Directory.GetDirectories(Path.Combine(Repository.Root, "tests", "golden", "packs")))
        {
            var report = PackValidator.Validate(dir);
            Assert.Contains(report.Warnings, f => f.Rule.Id == "PACK014");
            Assert.All(report.Errors, e => Assert.Equal(Path.GetFileName(dir) == "denied" ? "PACK004" : "none", e.Rule.Id));
        }
    }

    [Fact]
    public void A_lone_surrogate_or_a_byte_that_is_not_utf8_is_a_finding_with_a_place()
    {
        using var pack = new PackDirectory(PackDirectory.Good.Replace("\"A pack every", "\"\\uD800 A pack every", StringComparison.Ordinal));
        var surrogate = Assert.Single(PackValidator.Validate(pack.Path).Findings);
        Assert.Contains("surrogate", surrogate.Message, StringComparison.Ordinal);
        Assert.Equal(5, surrogate.Position!.Value.Line);

        var bytes = Encoding.UTF8.GetBytes(PackDirectory.Good);
        bytes[Array.IndexOf(bytes, (byte)'A')] = 0xFF;
        File.WriteAllBytes(Path.Combine(pack.Path, "pack.json"), bytes);
        var invalid = Assert.Single(PackValidator.Validate(pack.Path).Findings);
        Assert.Contains("not UTF-8", invalid.Message, StringComparison.Ordinal);
    }
}
