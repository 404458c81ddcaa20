using Reach.Core.Gates;
using static Reach.Policy.Tests.PolicyTestData;

namespace Reach.Policy.Tests.Evaluation;

public class PolicyExplainTests
{
    [Fact]
    public void Explain_names_the_deciding_rule_and_the_failed_condition_with_its_value()
    {
        var bundle = Compile("""[{"id":"notes","effect":"permit","match":{"tools":["fs.write"]},"when":{"field":"args.path","op":"glob","value":"notes/**"}},{"id":"outside","effect":"forbid","match":{"tools":["fs.write"]},"when":{"not":{"field":"args.path","op":"glob","value":"notes/**"}}},{"id":"net","effect":"forbid","match":{"tools":["http.get"]}}]""");

        var explanation = bundle.Explain(Call("fs.write", """{"path":"out/b.txt"}"""));

        Assert.Equal(GateEffect.Deny, explanation.Decision.Effect);
        var notes = explanation.Rules[0];
        Assert.False(notes.Matched);
        Assert.Equal("/rules/0/when", notes.FailedCondition!.Pointer);
        Assert.Equal("\"out/b.txt\"", notes.FailedCondition.Actual);
        var outside = explanation.Rules[1];
        Assert.True(outside.Decisive);
        Assert.Equal("forbids", outside.Verdict);
        Assert.Equal("/rules/1/when/not", outside.FailedCondition!.Pointer);
        var net = explanation.Rules[2];
        Assert.False(net.Target[0].Held);
        Assert.Equal("fs.write", net.Target[0].Actual);
    }

    [Fact]
    public void Explain_gives_the_same_decision_as_decide()
    {
        var bundle = Compile("""[{"id":"a","effect":"permit","match":{"tools":["fs.*"]},"limits":{"max_calls":1}},{"id":"b","effect":"forbid","when":{"field":"args.n","op":"gt","value":3}}]""");
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 2], Gen.Bool).Sample((n, calls, fs) =>
        {
            var call = Call(fs ? "fs.read" : "echo", $$"""{"n":{{n}}}""", tallies: [new ToolTally("fs.read", calls, 0)]);
            var decided = bundle.Decide(call);
            var explained = bundle.Explain(call).Decision;
            Assert.Equal(decided.Effect, explained.Effect);
            Assert.Equal(decided.Rules, explained.Rules);
            Assert.Equal(decided.Code, explained.Code);
        });
    }
}
