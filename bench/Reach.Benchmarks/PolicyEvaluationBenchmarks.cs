using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Policy;
using Reach.Policy.Compilation;

namespace Reach.Benchmarks;

/// <summary>
/// One decision of a 100-rule bundle (20 tool families × permit, forbid, conditions on arguments and context):
/// an allowed call, a forbidden one, and a default denial. Target: median ≤ 1 µs, p99 ≤ 10 µs, no allocation when allowed.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class PolicyEvaluationBenchmarks
{
    private PolicyGate _gate = null!;
    private ToolCallRequest _allowed = null!;
    private ToolCallRequest _forbidden = null!;
    private ToolCallRequest _unmatched = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rules = new StringBuilder();
        for (var i = 0; i < 20; i++)
        {
            var family = $"tool{i}";
            rules.Append(CultureInfo.InvariantCulture, $$$"""
                {"id":"{{{family}}}-permit-notes","effect":"permit","match":{"tools":["{{{family}}}.write","{{{family}}}.read"]},"when":{"all":[{"field":"args.path","op":"glob","value":"notes/**"},{"field":"step.index","op":"lt","value":100}]}},
                {"id":"{{{family}}}-forbid-secrets","effect":"forbid","match":{"tools":["{{{family}}}.*"]},"when":{"field":"args.path","op":"regex","value":"(^|/)\\.env$"}},
                {"id":"{{{family}}}-permit-pure","effect":"permit","match":{"tools":["{{{family}}}.echo"]}},
                {"id":"{{{family}}}-forbid-net","effect":"forbid","match":{"tools":["{{{family}}}.*"],"permissions":["net:*"]}},
                {"id":"{{{family}}}-limited","effect":"permit","match":{"tools":["{{{family}}}.exec"]},"when":{"field":"args.command","op":"in","value":["wc","git","ls"]},"limits":{"max_calls":10,"max_cost":50}},
                """);
        }

        var text = $$"""{"id":"bench","version":"1.0.0","rules":[{{rules.ToString().TrimEnd().TrimEnd(',')}}]}""";
        var bundle = PolicyCompiler.Compile(Encoding.UTF8.GetBytes(text));
        if (bundle.Rules.Count != 100)
        {
            throw new InvalidOperationException($"expected 100 rules, got {bundle.Rules.Count}");
        }

        _gate = new PolicyGate(bundle);
        _allowed = Call("tool7.write", """{"path":"notes/today/a.txt","content":"hello"}""", ["fs:write"]);
        _forbidden = Call("tool7.write", """{"path":"config/.env","content":"x"}""", ["fs:write"]);
        _unmatched = Call("tool7.write", """{"path":"out/a.txt","content":"x"}""", ["fs:write"]);
        if (_gate.Decide(_allowed).Effect != GateEffect.Permit || _gate.Decide(_forbidden).Effect != GateEffect.Deny || _gate.Decide(_unmatched).Effect != GateEffect.Deny)
        {
            throw new InvalidOperationException("the benchmark calls do not decide as intended");
        }
    }

    [Benchmark(Baseline = true)]
    public PolicyDecision AllowedCall() => _gate.Decide(_allowed);

    [Benchmark]
    public PolicyDecision ForbiddenCall() => _gate.Decide(_forbidden);

    [Benchmark]
    public PolicyDecision DefaultDeny() => _gate.Decide(_unmatched);

    private static ToolCallRequest Call(string tool, string args, string[] permissions)
    {
        var declaration = new ToolDeclaration { Name = tool, Permissions = permissions, Cost = 1 };
        return new ToolCallRequest
        {
            Tool = tool,
            RequiredPermissions = permissions,
            Declaration = declaration,
            Input = JsonDocument.Parse(args).RootElement.Clone(),
            Pack = new PackManifest { Name = "bench", Version = "1.0.0", Tools = [declaration] },
            StepIndex = 3,
            Usage = new BudgetUsage(3, 3, 3, TimeSpan.FromSeconds(1)),
            Tallies = [new ToolTally("tool7.read", 2, 2)],
        };
    }

    private sealed class PercentileConfig : ManualConfig
    {
        public PercentileConfig()
        {
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.P100);
            AddColumn(new PercentileColumn(99));
        }
    }

    private sealed class PercentileColumn(int percentile) : IColumn
    {
        public string Id => $"P{percentile}";

        public string ColumnName => $"P{percentile}";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => $"{percentile}th percentile of the per-operation times";

        public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var statistics = summary[benchmarkCase]?.ResultStatistics;
            return statistics is null ? "NA" : (statistics.Percentiles.Percentile(percentile) / 1000.0).ToString("0.000 'us'", CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(BenchmarkDotNet.Reports.Summary summary) => true;

        public bool IsDefault(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;
    }
}
