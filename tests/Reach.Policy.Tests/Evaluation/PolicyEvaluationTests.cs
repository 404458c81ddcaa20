using Reach.Core.Errors;
using Reach.Core.Gates;
using static Reach.Policy.Tests.PolicyTestData;

namespace Reach.Policy.Tests.Evaluation;

public class PolicyEvaluationTests
{
    [Fact]
    public void A_call_no_rule_permits_is_denied_by_default()
    {
        var bundle = Compile("""[{"id":"echo","effect":"permit","match":{"tools":["echo"]}}]""");

        var decision = bundle.Decide(Call("fs.read"));

        Assert.Equal(GateEffect.Deny, decision.Effect);
        Assert.Equal(ErrorCatalog.PolicyNoPermit, decision.Code);
        Assert.Empty(decision.Rules);
    }

    [Fact]
    public void A_matching_forbid_overrides_every_permit()
    {
        var bundle = Compile("""[{"id":"all","effect":"permit"},{"id":"fs","effect":"permit","match":{"tools":["fs.*"]}},{"id":"no-write","effect":"forbid","match":{"permissions":["fs:write"]},"message":"No writes."}]""");

        var decision = bundle.Decide(Call("fs.write", permissions: ["fs:write"]));

        Assert.Equal(GateEffect.Deny, decision.Effect);
        Assert.Equal(["no-write"], decision.Rules);
        Assert.Equal(ErrorCatalog.PolicyForbidden, decision.Code);
        Assert.Equal("No writes.", decision.Reason);
    }

    [Fact]
    public void A_permit_lists_every_matching_permit_rule()
    {
        var bundle = Compile("""[{"id":"b","effect":"permit","match":{"tools":["fs.*"]}},{"id":"a","effect":"permit","match":{"tools":["fs.read"]}},{"id":"c","effect":"permit","match":{"tools":["echo"]}}]""");

        var decision = bundle.Decide(Call("fs.read"));

        Assert.Equal(GateEffect.Permit, decision.Effect);
        Assert.Equal(["a", "b"], decision.Rules);
    }

    [Theory]
    [InlineData("""{"field":"args.path","op":"glob","value":"notes/*"}""", """{"path":"notes/a.txt"}""", true)]
    [InlineData("""{"field":"args.path","op":"glob","value":"notes/*"}""", """{"path":"notes/x/a.txt"}""", false)]
    [InlineData("""{"field":"args.path","op":"glob","value":"notes/**"}""", """{"path":"notes/x/a.txt"}""", true)]
    [InlineData("""{"field":"/args/path","op":"eq","value":"a"}""", """{"path":"a"}""", true)]
    [InlineData("""{"field":"args.path","op":"ne","value":"a"}""", """{"path":"b"}""", true)]
    [InlineData("""{"field":"args.path","op":"ne","value":"a"}""", """{}""", false)]
    [InlineData("""{"field":"args.command","op":"in","value":["wc","git"]}""", """{"command":"git"}""", true)]
    [InlineData("""{"field":"args.command","op":"not_in","value":["wc","git"]}""", """{"command":"rm"}""", true)]
    [InlineData("""{"field":"args.args","op":"eq","value":"-rf"}""", """{"args":["x","-rf"]}""", true)]
    [InlineData("""{"field":"args.args.1","op":"eq","value":"-rf"}""", """{"args":["x","-rf"]}""", true)]
    [InlineData("""{"field":"args.args","op":"eq","value":["x","-rf"]}""", """{"args":["x","-rf"]}""", true)]
    [InlineData("""{"field":"args.url","op":"regex","value":"^https://"}""", """{"url":"https://a"}""", true)]
    [InlineData("""{"field":"args.url","op":"regex","value":"^https://"}""", """{"url":"http\u003a//a"}""", false)]
    [InlineData("""{"field":"args.n","op":"lt","value":3}""", """{"n":2}""", true)]
    [InlineData("""{"field":"args.n","op":"ge","value":3}""", """{"n":2}""", false)]
    [InlineData("""{"field":"args.n","op":"gt","value":1}""", """{"n":"5"}""", false)]
    [InlineData("""{"field":"args.n","op":"exists"}""", """{"n":null}""", false)]
    [InlineData("""{"field":"args.n","op":"exists","value":false}""", """{}""", true)]
    [InlineData("""{"field":"args.flag","op":"eq","value":true}""", """{"flag":true}""", true)]
    [InlineData("""{"all":[{"field":"args.n","op":"gt","value":1},{"not":{"field":"args.n","op":"gt","value":5}}]}""", """{"n":3}""", true)]
    [InlineData("""{"any":[{"field":"args.n","op":"eq","value":1},{"field":"tool","op":"eq","value":"x"}]}""", """{"n":3}""", false)]
    public void Conditions_compare_the_call_as_documented(string condition, string args, bool permitted)
    {
        var bundle = Compile($$"""[{"id":"r","effect":"permit","when":{{condition}}}]""");

        var decision = bundle.Decide(Call("t", args));

        Assert.Equal(permitted ? GateEffect.Permit : GateEffect.Deny, decision.Effect);
    }

    [Fact]
    public void Run_context_fields_read_the_step_usage_counts_inputs_and_signer()
    {
        var bundle = Compile("""[{"id":"r","effect":"permit","when":{"all":[{"field":"step.index","op":"lt","value":3},{"field":"calls.fs.write","op":"eq","value":2},{"field":"spent.fs.write","op":"eq","value":4},{"field":"pack.signer","op":"eq","value":"K1"},{"field":"cost","op":"eq","value":1.5}]}}]""");

        var ok = bundle.Decide(Call("x", cost: 1.5m, tallies: [new ToolTally("fs.write", 2, 4)], step: 2, signer: "K1"));
        var late = bundle.Decide(Call("x", cost: 1.5m, tallies: [new ToolTally("fs.write", 2, 4)], step: 3, signer: "K1"));
        var unsigned = bundle.Decide(Call("x", cost: 1.5m, tallies: [new ToolTally("fs.write", 2, 4)], step: 2));

        Assert.Equal(GateEffect.Permit, ok.Effect);
        Assert.Equal(GateEffect.Deny, late.Effect);
        Assert.Equal(GateEffect.Deny, unsigned.Effect);
    }

    [Fact]
    public void A_signer_match_never_matches_an_unsigned_pack()
    {
        var bundle = Compile("""[{"id":"signed","effect":"permit","match":{"pack":{"signer":["*"]}}}]""");

        Assert.Equal(GateEffect.Deny, bundle.Decide(Call("echo")).Effect);
        Assert.Equal(GateEffect.Permit, bundle.Decide(Call("echo", signer: "RWQ1")).Effect);
    }

    [Fact]
    public void Limits_count_the_calls_and_cost_of_matching_tools_so_far()
    {
        var bundle = Compile("""[{"id":"two-writes","effect":"permit","match":{"tools":["fs.*"]},"limits":{"max_calls":2,"max_cost":5}}]""");

        var second = bundle.Decide(Call("fs.write", cost: 1, tallies: [new ToolTally("fs.read", 1, 1), new ToolTally("echo", 9, 0)]));
        var third = bundle.Decide(Call("fs.write", cost: 1, tallies: [new ToolTally("fs.read", 1, 1), new ToolTally("fs.write", 1, 1)]));
        var costly = bundle.Decide(Call("fs.write", cost: 5, tallies: [new ToolTally("fs.read", 1, 1)]));

        Assert.Equal(GateEffect.Permit, second.Effect);
        Assert.Equal(ErrorCatalog.PolicyCallLimit, third.Code);
        Assert.Contains("this would be call 3", third.Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorCatalog.PolicyCostLimit, costly.Code);
        Assert.Equal(["two-writes"], costly.Rules);
    }

    [Fact]
    public void Warn_mode_permits_and_records_what_would_have_been_denied()
    {
        var bundle = Compile("""[{"id":"no","effect":"forbid","match":{"tools":["fs.write"]}}]""");

        var decision = bundle.Decide(Call("fs.write"), PolicyMode.Warn);

        Assert.Equal(GateEffect.Permit, decision.Effect);
        Assert.True(decision.WouldDeny);
        Assert.Equal("warn", decision.Mode);
        Assert.Equal(ErrorCatalog.PolicyForbidden, decision.Code);
        Assert.Equal(["no"], decision.Rules);
    }

    [Fact]
    public void The_packs_declarations_stay_a_floor_before_the_bundle_even_in_warn_mode()
    {
        // The floor is the pipeline's declared gate (CallGates), asked before the bundle; CallGates.Decide is that
        // pair outside a session.
        var bundle = Compile("""[{"id":"all","effect":"permit"}]""");
        var undeclared = Call("proc.exec", permissions: ["proc:exec"]) with { Declaration = null };

        var decision = CallGates.Decide(new PolicyGate(bundle, PolicyMode.Warn), undeclared);

        Assert.Equal(GateEffect.Deny, decision.Effect);
        Assert.Equal(ErrorCatalog.ToolNotDeclared, decision.Code);
        Assert.Equal("warn", decision.Mode);
        Assert.False(decision.WouldDeny);
        Assert.Equal(bundle.Digest, new PolicyGate(bundle).Digest);
    }

    [Fact]
    public void An_allowed_call_decided_by_one_rule_allocates_nothing()
    {
        var bundle = Compile("""[{"id":"notes","effect":"permit","match":{"tools":["fs.read","fs.write"]},"when":{"all":[{"field":"args.path","op":"glob","value":"notes/**"},{"field":"args.path","op":"regex","value":"\\.txt$"},{"field":"step.index","op":"lt","value":50}]}},{"id":"no-net","effect":"forbid","match":{"permissions":["net:*"]}}]""");
        var gate = new PolicyGate(bundle);
        var call = Call("fs.write", """{"path":"notes/a.txt"}""", ["fs:write"]);
        for (var i = 0; i < 100; i++)
        {
            gate.Decide(call);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decision = gate.Decide(call);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(GateEffect.Permit, decision.Effect);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Decisions_follow_the_reference_semantics_for_random_bundles_and_calls()
    {
        string[] tools = ["echo", "fs.read", "fs.write", "proc.exec"];
        var genRule = Gen.Select(Gen.Bool, Gen.Int[0, tools.Length], Gen.Int[-1, 4]);
        var genBundle = genRule.Array[0, 8];
        var genCall = Gen.Select(Gen.Int[0, tools.Length - 1], Gen.Int[0, 5]);
        Gen.Select(genBundle, genCall).Sample((rules, call) =>
        {
            // A rule: (forbid?, tool index or "any" when == tools.Length, threshold for args.n lt k or none when -1).
            var json = new StringBuilder("[");
            for (var i = 0; i < rules.Length; i++)
            {
                var (forbid, tool, k) = rules[i];
                json.Append(i == 0 ? string.Empty : ",").Append($$"""{"id":"r{{i}}","effect":"{{(forbid ? "forbid" : "permit")}}" """);
                if (tool < tools.Length)
                {
                    json.Append($$""","match":{"tools":["{{tools[tool]}}"]}""");
                }

                if (k >= 0)
                {
                    json.Append($$""","when":{"field":"args.n","op":"lt","value":{{k}}}""");
                }

                json.Append('}');
            }

            var bundle = Compile(json.Append(']').ToString());
            var (callTool, n) = call;
            var matches = new List<(bool Forbid, string Id)>();
            for (var i = 0; i < rules.Length; i++)
            {
                var (forbid, tool, k) = rules[i];
                if ((tool == tools.Length || tool == callTool) && (k < 0 || n < k))
                {
                    matches.Add((forbid, $"r{i}"));
                }
            }

            var expected = matches.Exists(m => m.Forbid) ? GateEffect.Deny : matches.Count > 0 ? GateEffect.Permit : GateEffect.Deny;
            var decision = bundle.Decide(Call(tools[callTool], $$"""{"n":{{n}}}"""));
            Assert.Equal(expected, decision.Effect);
            var deciding = matches.FindAll(m => m.Forbid == matches.Exists(x => x.Forbid)).ConvertAll(m => m.Id);
            deciding.Sort(StringComparer.Ordinal);
            var actual = decision.Rules.ToList();
            actual.Sort(StringComparer.Ordinal);
            Assert.Equal(deciding, actual);
        });
    }
}
