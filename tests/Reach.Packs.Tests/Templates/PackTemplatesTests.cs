using System.Text;
using System.Text.Json;
using Json.Schema;
using Reach.Core.Errors;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tools;
using Reach.Core.Transcripts;
using Reach.Packs.Templates;
using Reach.Packs.Tests.Validation;
using Reach.Packs.Validation;

namespace Reach.Packs.Tests.Templates;

public sealed class PackTemplatesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("reach-init-").FullName;

    public static TheoryData<string> Names => [.. PackTemplates.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Every_template_validates_without_a_single_finding(string template)
    {
        var created = await PackTemplates.CreateAsync("my-pack", template, Path.Combine(_root, template));
        var report = PackValidator.Validate(created.PackDirectory);
        Assert.Empty(report.Findings);
        Assert.Equal("my-pack", report.Name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_template_names_the_schema_and_the_pack(string template)
    {
        var manifest = PackTemplates.Files(PackTemplates.Find(template)!).Single(f => f.Path.EndsWith("pack.json", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(manifest.Text);
        Assert.Equal(PacksInfo.SchemaId, json.RootElement.GetProperty("$schema").GetString());
        Assert.Equal("__PACK_NAME__", json.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_existing_directory_is_refused_and_left_untouched()
    {
        var target = Path.Combine(_root, "taken");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");
        var ex = await Assert.ThrowsAsync<ReachException>(() => PackTemplates.CreateAsync("taken", "minimal", target));
        Assert.Equal(ErrorCatalog.TemplateTargetExists, ex.Error);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("")]
    [InlineData("My-Pack")]
    [InlineData("-pack")]
    [InlineData("../escape")]
    [InlineData("a\"b")]
    public async Task A_name_that_cannot_name_a_pack_is_refused(string name)
    {
        var ex = await Assert.ThrowsAsync<ReachException>(() => PackTemplates.CreateAsync(name, "minimal", Path.Combine(_root, "x")));
        Assert.Equal(ErrorCatalog.PackNameInvalid, ex.Error);
        Assert.False(Directory.Exists(Path.Combine(_root, "x")));
    }

    [Fact]
    public async Task An_unknown_template_is_refused()
    {
        var ex = await Assert.ThrowsAsync<ReachException>(() => PackTemplates.CreateAsync("p", "fancy", Path.Combine(_root, "p")));
        Assert.Equal(ErrorCatalog.TemplateUnknown, ex.Error);
    }

    [Fact]
    public async Task The_replay_template_ships_a_transcript_that_verifies_and_replays_against_its_pack()
    {
        var created = await PackTemplates.CreateAsync("regress", "with-replay-tests", Path.Combine(_root, "regress"));
        var transcript = File.ReadAllBytes(Path.Combine(created.Directory, "tests", "recorded.jsonl"));
        Assert.True(TranscriptVerifier.VerifyFile(Path.Combine(created.Directory, "tests", "recorded.jsonl")).Ok);
        var report = await Replayer.ReplayAsync(transcript, PackLoader.Load(created.PackDirectory, ToolRegistry.BuiltIn.Names), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(report.Ok);
        Assert.True(report.Fed > 0);
        Assert.Contains("tests/replay.sh", created.Files);
    }

    [Fact]
    public async Task The_replay_template_transcript_diverges_when_the_pack_changes()
    {
        var created = await PackTemplates.CreateAsync("regress", "with-replay-tests", Path.Combine(_root, "regress"));
        var manifest = Path.Combine(created.PackDirectory, "pack.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("Hello, {{name}}!", "Hi, {{name}}!", StringComparison.Ordinal));
        var transcript = File.ReadAllBytes(Path.Combine(created.Directory, "tests", "recorded.jsonl"));
        Assert.False((await Replayer.ReplayAsync(transcript, PackLoader.Load(created.PackDirectory, ToolRegistry.BuiltIn.Names), cancellationToken: TestContext.Current.CancellationToken)).Ok);
    }

    [Fact]
    public async Task The_policy_template_ships_a_bundle_that_follows_the_policy_bundle_schema()
    {
        var created = await PackTemplates.CreateAsync("governed", "policy-governed", Path.Combine(_root, "governed"));
        var schemaText = File.ReadAllText(Path.Combine(Repository.Root, "protocol", "schemas", "policy-bundle.schema.json"));
        var schema = JsonSchema.FromText(schemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        using var bundle = JsonDocument.Parse(File.ReadAllText(Path.Combine(created.Directory, "policy.json")));
        var results = schema.Evaluate(bundle.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(results.IsValid, string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        Assert.Equal("governed-policy", bundle.RootElement.GetProperty("id").GetString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
