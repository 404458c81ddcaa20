namespace Reach.Benchmarks;

/// <summary>
/// Canonicalize + salt + data digest + event hash + chain + Merkle leaf + line write of one 256-byte event, in memory.
/// The time reported is per event (<see cref="EventsPerInvoke"/> appends per invocation).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class EventAppendBenchmarks
{
    /// <summary>Appends per benchmark invocation.</summary>
    public const int EventsPerInvoke = 10_000;

    private static readonly byte[] TypeToken = TranscriptFormat.TypeToken("tool.result");

    // Grows once to one invocation's lines (~6 MB) and is rewound before each invocation; nothing allocates after.
    private readonly MemoryStream _stream = new();
    private TranscriptWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new TranscriptWriter(_stream, SampleTranscript.Header(), new DeterministicRandomSource());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public Sha256Digest Append()
    {
        _stream.SetLength(0);
        _stream.Position = 0;
        var data = SampleTranscript.NonCanonicalEvent;
        AppendedEvent last = default;
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            last = _writer.Append(TypeToken, data);
        }

        return last.Hash;
    }
}
