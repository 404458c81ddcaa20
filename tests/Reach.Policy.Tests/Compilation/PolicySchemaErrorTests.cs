using Reach.Core.Errors;
using Reach.Policy.Compilation;

namespace Reach.Policy.Tests.Compilation;

/// <summary>Schema errors say what is allowed, where (pointer, line, column), once per real mistake.</summary>
public class PolicySchemaErrorTests
{
    private static IReadOnlyList<PolicyCompileError> Errors(string rules)
    {
        var text = "{\n  \"id\": \"t\",\n  \"version\": \"1\",\n  \"rules\": [\n" + rules + "\n  ]\n}\n";
        Assert.Null(PolicyCompiler.TryCompile(Encoding.UTF8.GetBytes(text), out var errors));
        return errors;
    }

    [Fact]
    public void A_wrong_effect_is_one_error_naming_the_allowed_values_and_its_line_and_column()
    {
        var error = Assert.Single(Errors("    { \"id\": \"r1\", \"effect\": \"allow\" }"));
        Assert.Equal("/rules/0/effect", error.Pointer);
        Assert.Contains("\"permit\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"forbid\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"allow\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Value should match", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, error.Position?.Line);
        Assert.Equal(19, error.Position?.Column);
    }

    [Fact]
    public void A_condition_without_op_is_one_error_saying_op_is_missing()
    {
        var error = Assert.Single(Errors("    { \"id\": \"r1\", \"effect\": \"permit\", \"when\": { \"field\": \"input.path\", \"value\": \"x\" } }"));
        Assert.Equal("/rules/0/when", error.Pointer);
        Assert.Contains("\"op\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("false schema", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("required \"all\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_condition_mixing_two_forms_is_one_error_naming_the_member_that_does_not_belong()
    {
        var error = Assert.Single(Errors("    { \"id\": \"r1\", \"effect\": \"permit\", \"when\": { \"field\": \"tool\", \"op\": \"eq\", \"value\": \"x\", \"all\": [ { \"field\": \"tool\", \"op\": \"eq\", \"value\": 1 } ] } }"));
        Assert.Equal("/rules/0/when/all", error.Pointer);
        Assert.Contains("\"all\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("false schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_member_of_a_nested_condition_is_one_error_with_a_suggestion()
    {
        var error = Assert.Single(Errors("    { \"id\": \"r1\", \"effect\": \"permit\", \"when\": { \"all\": [ { \"feild\": \"tool\", \"op\": \"eq\", \"value\": 1 } ] } }"));
        Assert.Equal("/rules/0/when/all/0/feild", error.Pointer);
        Assert.Contains("did you mean \"field\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_mistakes_are_two_errors_in_document_order_and_the_exception_names_both()
    {
        var rules = "    { \"id\": \"r1\", \"effect\": \"allow\" },\n    { \"id\": \"r2\", \"effect\": \"permit\", \"when\": { \"field\": \"tool\", \"value\": \"x\" } }";
        var errors = Errors(rules);
        Assert.Equal(["/rules/0/effect", "/rules/1/when"], errors.Select(e => e.Pointer));

        var text = "{\n  \"id\": \"t\",\n  \"version\": \"1\",\n  \"rules\": [\n" + rules + "\n  ]\n}\n";
        var thrown = Assert.Throws<ReachException>(() => PolicyCompiler.Compile(Encoding.UTF8.GetBytes(text)));
        Assert.Equal("REACH-3103", thrown.Code);
        Assert.Contains("/rules/0/effect", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("/rules/1/when", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("line 5, column 19", thrown.Message, StringComparison.Ordinal);
    }
}
