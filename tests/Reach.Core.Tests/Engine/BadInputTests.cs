using System.Text;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Core.Tests.Engine;

/// <summary>Every bad pack or bad input is refused with its own code before a transcript is opened.</summary>
public sealed class BadInputTests : IDisposable
{
    private const string Tools = """[{ "name": "echo" }]""";

    private readonly string _temp = Directory.CreateTempSubdirectory("reach-bad-input-").FullName;
    private int _opened;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void A_missing_pack_directory_is_refused()
    {
        var ex = Refused(Path.Combine(_temp, "no-such-pack"));

        Assert.Equal(ErrorCatalog.PackNotFound, ex.Error);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_without_pack_json_is_refused()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_temp, "empty")).FullName;

        var ex = Refused(directory);

        Assert.Equal(ErrorCatalog.PackNotFound, ex.Error);
        Assert.Contains("no pack.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_pack_json_is_refused_with_its_line_and_column()
    {
        var ex = RefusedManifest("{\n  \"name\": \"broken\",\n  oops\n}\n");

        Assert.Equal(ErrorCatalog.ManifestInvalidJson, ex.Error);
        Assert.Equal(3L, ex.Details["line"]);
        Assert.Equal(3L, ex.Details["column"]);
        Assert.Contains("line 3, column 3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "version": "1", "tools": [], "steps": [] }""", "/name")]
    [InlineData("""{ "name": "", "version": "1", "tools": [], "steps": [] }""", "/name")]
    [InlineData("""{ "name": "p", "tools": [], "steps": [] }""", "/version")]
    [InlineData("""{ "name": "p", "version": "1", "steps": [] }""", "/tools")]
    [InlineData("""{ "name": "p", "version": "1", "tools": [] }""", "/steps")]
    [InlineData("""{ "name": "p", "version": "1", "tools": [], "steps": [{ "id": "a" }] }""", "/steps/0/tool")]
    [InlineData("""{ "name": "p", "version": "1", "tools": [], "steps": [{ "tool": "echo" }] }""", "/steps/0/id")]
    [InlineData("""{ "name": "p", "version": "1", "tools": [{}], "steps": [] }""", "/tools/0/name")]
    [InlineData("""{ "name": "p", "version": "1", "tools": [{ "name": "echo", "cost": -1 }], "steps": [] }""", "/tools/0/cost")]
    [InlineData("""{ "name": "p", "version": "1", "tools": [], "steps": [], "inputs": { "x": { "type": "date" } } }""", "/inputs/x/type")]
    [InlineData("""[]""", "pack.json must be an object")]
    public void A_missing_or_invalid_field_is_refused_and_named(string manifest, string named)
    {
        var ex = RefusedManifest(manifest);

        Assert.Equal(ErrorCatalog.ManifestInvalid, ex.Error);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_tool_is_refused()
    {
        var ex = RefusedManifest("""{ "name": "p", "version": "1", "tools": [{ "name": "shell.run" }], "steps": [] }""");

        Assert.Equal(ErrorCatalog.UnknownTool, ex.Error);
        Assert.Contains("'shell.run'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tool_declared_twice_is_refused()
    {
        var ex = RefusedManifest("""{ "name": "p", "version": "1", "tools": [{ "name": "echo" }, { "name": "echo" }], "steps": [] }""");

        Assert.Equal(ErrorCatalog.DuplicateTool, ex.Error);
    }

    [Fact]
    public void A_reference_to_a_missing_step_is_refused()
    {
        var ex = RefusedManifest(Pack("""[{ "id": "a", "tool": "echo", "input": { "x": "${steps.nope.output}" } }]"""));

        Assert.Equal(ErrorCatalog.UnknownStepReference, ex.Error);
        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{ "id": "a", "tool": "echo", "input": { "x": "${steps.a.output}" } }]""", "itself")]
    [InlineData("""[{ "id": "a", "tool": "echo", "input": { "x": "${steps.b.output}" } }, { "id": "b", "tool": "echo" }]""", "later step 'b'")]
    public void A_reference_to_the_step_itself_or_a_later_step_is_refused(string steps, string named)
    {
        var ex = RefusedManifest(Pack(steps));

        Assert.Equal(ErrorCatalog.ForwardStepReference, ex.Error);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_step_id_is_refused()
    {
        var ex = RefusedManifest(Pack("""[{ "id": "a", "tool": "echo" }, { "id": "a", "tool": "echo" }]"""));

        Assert.Equal(ErrorCatalog.DuplicateStepId, ex.Error);
        Assert.Contains("/steps/1/id", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${steps.a}")]
    [InlineData("${steps.a.result}")]
    [InlineData("${inputs}")]
    [InlineData("${inputs..x}")]
    [InlineData("${env.HOME}")]
    [InlineData("text ${inputs.x")]
    [InlineData("${inputs.undeclared}")]
    public void A_malformed_reference_is_refused(string reference)
    {
        var steps = $$"""[{ "id": "a", "tool": "echo" }, { "id": "b", "tool": "echo", "input": { "x": "{{reference}}" } }]""";

        var ex = RefusedManifest(Pack(steps, inputs: """{ "x": { "type": "string", "default": "" } }"""));

        Assert.Equal(ErrorCatalog.InvalidReference, ex.Error);
        Assert.Contains("Step 'b'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "max_steps": -1 }""")]
    [InlineData("""{ "max_steps": 1.5 }""")]
    [InlineData("""{ "max_tool_calls": "3" }""")]
    [InlineData("""{ "max_cost": -0.5 }""")]
    [InlineData("""{ "max_duration": "soon" }""")]
    [InlineData("""{ "max_duration": 30 }""")]
    [InlineData("""{ "max_duration": "-5s" }""")]
    [InlineData("""{ "max_tokens": 10 }""")]
    [InlineData("""[]""")]
    public void A_bad_budget_is_refused(string budgets)
    {
        var ex = RefusedManifest(Pack("""[{ "id": "a", "tool": "echo" }]""", budgets: budgets));

        Assert.Equal(ErrorCatalog.InvalidBudget, ex.Error);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"name\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Inputs_that_are_not_an_object_are_refused(string inputs)
    {
        var ex = RefusedInputs(inputs);

        Assert.Equal(ErrorCatalog.InputsNotObject, ex.Error);
    }

    [Fact]
    public void Inputs_that_are_not_JSON_are_refused_with_their_line_and_column()
    {
        var ex = RefusedInputs("{\n \"name\": }");

        Assert.Equal(ErrorCatalog.InputsNotObject, ex.Error);
        Assert.Equal(2L, ex.Details["line"]);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_input_is_refused()
    {
        var ex = RefusedInputs("{}", """{ "name": { "type": "string", "required": true, "description": "Who to greet." } }""");

        Assert.Equal(ErrorCatalog.InputMissing, ex.Error);
        Assert.Contains("'name'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_without_a_default_is_required_when_none_is_given()
    {
        var ex = RefusedInputs(null, """{ "name": { "type": "string" } }""");

        Assert.Equal(ErrorCatalog.InputMissing, ex.Error);
    }

    [Theory]
    [InlineData("string", "42")]
    [InlineData("number", "\"42\"")]
    [InlineData("integer", "1.5")]
    [InlineData("boolean", "\"true\"")]
    [InlineData("object", "[]")]
    [InlineData("array", "{}")]
    public void An_input_of_the_wrong_type_is_refused(string type, string value)
    {
        var ex = RefusedInputs($$"""{ "value": {{value}} }""", $$"""{ "value": { "type": "{{type}}" } }""");

        Assert.Equal(ErrorCatalog.InputWrongType, ex.Error);
        Assert.Contains(type, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_of_the_wrong_type_is_refused()
    {
        var ex = RefusedInputs(null, """{ "count": { "type": "integer", "default": "three" } }""");

        Assert.Equal(ErrorCatalog.InputWrongType, ex.Error);
    }

    [Fact]
    public void An_unknown_input_is_refused()
    {
        var ex = RefusedInputs("""{ "name": "Ada", "nmae": "typo" }""", """{ "name": { "type": "string" } }""");

        Assert.Equal(ErrorCatalog.InputUnknown, ex.Error);
        Assert.Contains("'nmae'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Good_inputs_reach_the_engine_and_open_one_transcript()
    {
        // The counterpart of every refusal above: the same path does open a transcript when nothing is wrong.
        var directory = WritePack(Pack("""[{ "id": "a", "tool": "echo", "input": { "n": "${inputs.name}" } }]""", inputs: """{ "name": { "type": "string" } }"""));

        var result = RunPipeline(directory, """{ "name": "Ada" }""");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(1, _opened);
    }

    private static string Pack(string steps, string inputs = "{}", string budgets = "{}") =>
        $$"""{ "name": "p", "version": "1.0.0", "inputs": {{inputs}}, "tools": {{Tools}}, "steps": {{steps}}, "budgets": {{budgets}} }""";

    private ReachException RefusedManifest(string manifest) => Refused(WritePack(manifest));

    private ReachException RefusedInputs(string? inputs, string declarations = """{ "name": { "type": "string", "default": "world" } }""") =>
        Refused(WritePack(Pack("""[{ "id": "a", "tool": "echo" }]""", inputs: declarations)), inputs);

    private string WritePack(string manifest)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_temp, Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(directory, PackLoader.ManifestFile), manifest);
        return directory;
    }

    private ReachException Refused(string directory, string? inputs = null)
    {
        var ex = Assert.Throws<ReachException>(() => RunPipeline(directory, inputs));
        Assert.Equal(0, _opened);
        return ex;
    }

    /// <summary>What a host does: load the pack, parse and resolve the inputs, run.</summary>
    private RunResult RunPipeline(string directory, string? inputs)
    {
        var pack = PackLoader.Load(directory, ToolRegistry.BuiltIn.Names);
        var resolved = RunInputs.Resolve(pack.Manifest, RunInputs.ParseText(inputs));
        return TestRuns.Execute(pack, resolved, new SessionOptionsTemplate
        {
            OpenTranscript = _ =>
            {
                _opened++;
                return new MemoryStream();
            },
            Effects = new LiveEffects(() => new Workspace(Path.Combine(_temp, "workspace"))),
        });
    }
}
