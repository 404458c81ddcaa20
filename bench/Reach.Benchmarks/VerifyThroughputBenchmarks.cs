using System.Buffers;
using System.Security.Cryptography;

namespace Reach.Benchmarks;

/// <summary>
/// Streaming verification of a ~64 MiB transcript file against the floor it cannot beat: SHA-256 over the same bytes.
/// Verify hashes every data field (salted) and every event-hash input, and checks canonical form, so it reads each
/// byte more than once; the ratio says how far above the floor it is. After the first iteration the file is in the
/// page cache for both, so neither measures the disk.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class VerifyThroughputBenchmarks
{
    private const long TargetBytes = 64L << 20;
    private const int ReadBufferSize = 1 << 20;

    private readonly byte[] _buffer = new byte[ReadBufferSize];
    private string _path = null!;

    /// <summary>The size of the transcript file in bytes.</summary>
    public long FileBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"reach-bench-verify-{Environment.ProcessId}.jsonl"));
        var random = new DeterministicRandomSource();
        byte[][] typeTokens =
        [
            TranscriptFormat.TypeToken("step.started"),
            TranscriptFormat.TypeToken("policy.decision"),
            TranscriptFormat.TypeToken("budget.decision"),
            TranscriptFormat.TypeToken("tool.result"),
        ];
        var data = new ArrayBufferWriter<byte>(8192);
        long events = 0;
        using (var file = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        using (var buffered = new BufferedStream(file, ReadBufferSize))
        {
            // A BufferedStream is not a FileStream, so the writer neither flushes per line nor fsyncs while generating.
            using var writer = new TranscriptWriter(buffered, SampleTranscript.Header("verify-bench"), random);
            while (file.Length + ReadBufferSize < TargetBytes)
            {
                data.ResetWrittenCount();
                using (var json = new Utf8JsonWriter(data))
                {
                    SampleTranscript.WriteMixedEventData(json, events, random);
                }

                writer.Append(typeTokens[events % 4], data.WrittenSpan);
                events++;
            }

            writer.Seal();
        }

        FileBytes = new FileInfo(_path).Length;
        var report = TranscriptVerifier.VerifyFile(_path);
        if (!report.Ok || report.Events != events)
        {
            throw new InvalidOperationException($"The generated transcript does not verify: {report.Failure?.Message}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// transcript: {FileBytes} bytes ({FileBytes / 1048576.0:F1} MiB), {events} events, {FileBytes / events} bytes/event"));
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark]
    public long Verify()
    {
        using var stream = Open();
        var report = TranscriptVerifier.Verify(stream);
        return report.Ok ? report.Events : throw new InvalidOperationException(report.Failure!.Message);
    }

    [Benchmark(Baseline = true)]
    public byte[] RawSha256()
    {
        using var stream = Open();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int read;
        while ((read = stream.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            hash.AppendData(_buffer, 0, read);
        }

        return hash.GetHashAndReset();
    }

    // As TranscriptVerifier.VerifyFile opens it: unbuffered, since both readers ask for 1 MiB at a time.
    private FileStream Open() => new(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
}
