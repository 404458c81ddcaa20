using Reach.Core.Errors;
using Reach.Policy.Compilation;

namespace Reach.Policy.Tests.Compilation;

public class PolicyCompilerTests
{
    [Theory]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[", "REACH-3102", "")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\"}]}", "REACH-3103", "/rules/0")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"allow\"}]}", "REACH-3103", "/rules/0/effect")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\",\"when\":{\"field\":\"tool\",\"op\":\"like\",\"value\":\"x\"}}]}", "REACH-3104", "/rules/0/when/op")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\",\"when\":{\"field\":\"args.p\",\"op\":\"regex\",\"value\":\"(?<=a)b\"}}]}", "REACH-3105", "/rules/0/when/value")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\",\"when\":{\"field\":\"args.p\",\"op\":\"regex\",\"value\":\"(\"}}]}", "REACH-3105", "/rules/0/when/value")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\",\"when\":{\"field\":\"step.index\",\"op\":\"glob\",\"value\":\"1*\"}}]}", "REACH-3107", "/rules/0/when/field")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\",\"when\":{\"field\":\"tool\",\"op\":\"lt\",\"value\":3}}]}", "REACH-3107", "/rules/0/when/field")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\",\"when\":{\"field\":\"usage.cost\",\"op\":\"eq\",\"value\":\"3\"}}]}", "REACH-3107", "/rules/0/when/value")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\",\"when\":{\"field\":\"budget.left\",\"op\":\"gt\",\"value\":1}}]}", "REACH-3108", "/rules/0/when/field")]
    [InlineData("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\"},{\"id\":\"a\",\"effect\":\"forbid\"}]}", "REACH-3109", "/rules/1/id")]
    public void A_bad_bundle_fails_with_its_code_and_pointer_and_yields_nothing(string text, string code, string pointer)
    {
        var bundle = PolicyCompiler.TryCompile(Encoding.UTF8.GetBytes(text), out var errors);

        Assert.Null(bundle);
        Assert.Equal(code, errors[0].Error.Code);
        Assert.Equal(pointer, errors[0].Pointer);
        var thrown = Assert.Throws<ReachException>(() => PolicyCompiler.Compile(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(code, thrown.Code);
        Assert.Equal(pointer, thrown.Details["pointer"]);
    }

    [Fact]
    public void Conditions_nested_deeper_than_the_limit_are_refused()
    {
        var condition = "{\"field\":\"tool\",\"op\":\"eq\",\"value\":\"x\"}";
        for (var i = 0; i < PolicyCompiler.MaxDepth; i++)
        {
            condition = $"{{\"not\":{condition}}}";
        }

        var text = $"{{\"id\":\"t\",\"version\":\"1\",\"rules\":[{{\"id\":\"a\",\"effect\":\"permit\",\"when\":{condition}}}]}}";
        var bundle = PolicyCompiler.TryCompile(Encoding.UTF8.GetBytes(text), out var errors);

        Assert.Null(bundle);
        Assert.Equal(ErrorCatalog.PolicyTooDeep, errors[0].Error);
        Assert.StartsWith("/rules/0/when/not/not", errors[0].Pointer, StringComparison.Ordinal);
    }

    [Fact]
    public void One_bad_rule_among_good_ones_means_no_bundle_at_all()
    {
        var text = "{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"ok\",\"effect\":\"permit\"},{\"id\":\"bad\",\"effect\":\"forbid\",\"when\":{\"field\":\"args.x\",\"op\":\"nope\",\"value\":1}}]}";

        Assert.Null(PolicyCompiler.TryCompile(Encoding.UTF8.GetBytes(text), out var errors));
        Assert.Single(errors);
    }

    [Fact]
    public void The_digest_is_the_sha256_of_the_canonical_form_so_layout_does_not_change_it()
    {
        var compact = PolicyCompiler.Compile("{\"id\":\"t\",\"version\":\"1\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\"}]}"u8);
        var spread = PolicyCompiler.Compile("{ \"rules\" : [ { \"effect\":\"permit\", \"id\":\"a\" } ],\n \"version\":\"1\", \"id\":\"t\" }"u8);
        var changed = PolicyCompiler.Compile("{\"id\":\"t\",\"version\":\"2\",\"rules\":[{\"id\":\"a\",\"effect\":\"permit\"}]}"u8);

        Assert.Equal(compact.Digest, spread.Digest);
        Assert.Equal(Reach.Core.Hashing.Sha256Digest.Compute(compact.Canonical.Span), compact.Digest);
        Assert.NotEqual(compact.Digest, changed.Digest);
    }

    [Fact]
    public void Every_example_policy_compiles()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(Repository.Root, "policies")))
        {
            var bundle = PolicyCompiler.LoadFile(Path.Combine(dir, "policy.json"));
            Assert.Equal(Path.GetFileName(dir), bundle.Id);
        }
    }

    [Fact]
    public void A_missing_bundle_file_is_reported_with_its_code()
    {
        var ex = Assert.Throws<ReachException>(() => PolicyCompiler.LoadFile(Path.Combine(Path.GetTempPath(), "no-such-bundle.json")));
        Assert.Equal(ErrorCatalog.PolicyBundleNotFound, ex.Error);
    }

    [Fact]
    public void Random_bytes_never_crash_the_compiler()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            var bundle = PolicyCompiler.TryCompile(bytes, out var errors);
            Assert.True(bundle is not null || errors.Count > 0);
        });
    }
}
