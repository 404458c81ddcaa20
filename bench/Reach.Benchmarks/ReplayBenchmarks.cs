using Reach.Core.Engine;
using Reach.Core.Packs;
using Reach.Core.Replay;
using Reach.Core.Tools;

namespace Reach.Benchmarks;

/// <summary>
/// Replay of a sealed transcript of 1,000 deterministic steps (text.template → hash.sha256 → echo → json.get, repeated):
/// verify, read every event, re-execute every step, re-read and compare. The time reported is per transcript event
/// (<see cref="EventsPerInvoke"/>; setup checks the transcript has exactly that many).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class ReplayBenchmarks
{
    /// <summary>Steps in the generated pack.</summary>
    public const int Steps = 1_000;

    /// <summary>run.started, then step.started, policy.decision, budget.decision and tool.result per step, then run.finished.</summary>
    public const int EventsPerInvoke = 2 + (4 * Steps);

    private string _directory = null!;
    private LoadedPack _pack = null!;
    private byte[] _transcript = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"reach-bench-replay-{Environment.ProcessId}"));
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, PackLoader.ManifestFile), Manifest());
        _pack = PackLoader.Load(_directory, ToolRegistry.BuiltIn.Names);

        using var output = new MemoryStream();
        var result = PackRun.ExecuteAsync(_pack, RunInputs.Resolve(_pack.Manifest, null), new SessionOptionsTemplate
        {
            OpenTranscript = _ => output,
            Effects = new LiveEffects(() => throw new InvalidOperationException("The replay pack has only deterministic tools.")),
            Random = new DeterministicRandomSource(),
        }).AsTask().GetAwaiter().GetResult();
        _transcript = output.ToArray();
        if (result.Status != RunStatus.Succeeded || result.Events != EventsPerInvoke)
        {
            throw new InvalidOperationException($"The recorded run {RunSession.StatusText(result.Status)} with {result.Events} events ({result.Reason}); {EventsPerInvoke} were expected.");
        }

        var report = Replayer.ReplayAsync(_transcript, _pack).AsTask().GetAwaiter().GetResult();
        if (!report.Ok || report.Events != EventsPerInvoke)
        {
            throw new InvalidOperationException($"The transcript does not replay: {report.Divergence?.LikelyCause}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// transcript: {_transcript.Length} bytes, {result.Events} events, {_transcript.Length / result.Events} bytes/event"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public ValueTask<ReplayReport> Replay() => Replayer.ReplayAsync(_transcript, _pack);

    // Each group of four steps: a greeting from a template, its hash, both echoed, and the hash picked back out.
    private static string Manifest()
    {
        var steps = new StringBuilder();
        for (var i = 0; i < Steps; i++)
        {
            var input = (i % 4) switch
            {
                0 => $$$"""{ "template": "Hello, {{name}}! This is step {{n}} of {{total}}.", "values": { "name": "${inputs.name}", "n": "{{{i}}}", "total": "{{{Steps}}}" } }""",
                1 => $$"""{ "text": "${steps.s{{i - 1}}.output}" }""",
                2 => $$"""{ "greeting": "${steps.s{{i - 2}}.output}", "sha256": "${steps.s{{i - 1}}.output}", "index": {{i}} }""",
                _ => $$"""{ "value": "${steps.s{{i - 1}}.output}", "pointer": "/sha256" }""",
            };
            var tool = (i % 4) switch
            {
                0 => "text.template",
                1 => "hash.sha256",
                2 => "echo",
                _ => "json.get",
            };
            steps.Append(i == 0 ? "\n    " : ",\n    ").Append(CultureInfo.InvariantCulture, $$"""{ "id": "s{{i}}", "tool": "{{tool}}", "input": {{input}} }""");
        }

        return $$"""
            {
              "name": "replay-bench",
              "version": "1.0.0",
              "inputs": { "name": { "type": "string", "default": "world" } },
              "tools": [
                { "name": "text.template", "cost": 1 },
                { "name": "hash.sha256", "cost": 1 },
                { "name": "echo", "cost": 0 },
                { "name": "json.get", "cost": 0 }
              ],
              "steps": [{{steps}}
              ],
              "budgets": { "max_steps": 100000, "max_tool_calls": 100000, "max_cost": 100000, "max_duration": "1h" }
            }
            """;
    }
}
