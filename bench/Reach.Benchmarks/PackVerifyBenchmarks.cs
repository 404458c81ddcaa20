using System.Diagnostics;
using Reach.Packs.Keys;
using Reach.Packs.Signing;

namespace Reach.Benchmarks;

/// <summary>
/// <c>reach pack verify</c> on a pack of 1,000 files and 10 MB, beside what the same check costs with standard tools in
/// the same run: <c>sha256sum</c> over the files plus <c>minisign -V</c> of the signed listing, both as processes (the
/// baseline). The goal is a ratio of at most 2. After the first iteration the files are in the page cache for both.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class PackVerifyBenchmarks
{
    private const int FileCount = 1000;
    private const int FileBytes = 10 * 1024 * 1024 / FileCount;

    private string _root = null!;
    private string _pack = null!;
    private string _publicKey = null!;
    private string[] _files = null!;
    private IReadOnlyDictionary<KeyId, TrustedKey> _trusted = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("reach-bench-pack-").FullName;
        _pack = Path.Combine(_root, "pack");
        var random = new Random(42);
        var files = new List<string>(FileCount);
        for (var i = 0; i < FileCount; i++)
        {
            var relative = Path.Combine($"d{i % 20:D2}", string.Create(CultureInfo.InvariantCulture, $"file{i:D4}.bin"));
            var path = Path.Combine(_pack, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var bytes = new byte[FileBytes];
            random.NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
            files.Add(path);
        }

        File.WriteAllText(Path.Combine(_pack, "pack.json"), """{"name":"bench","version":"1.0.0","tools":[],"steps":[]}""");
        files.Add(Path.Combine(_pack, "pack.json"));
        _files = [.. files];

        var store = new KeyStore(Path.Combine(_root, "keys"));
        store.Generate("bench", passphrase: null);
        using (var key = store.Open("bench", _ => null))
        {
            PackSigner.Sign(_pack, key);
        }

        _publicKey = Path.Combine(_root, "bench.pub");
        File.WriteAllText(_publicKey, store.ExportPublic("bench"));
        _trusted = store.Trusted();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    /// <summary>sha256sum over every file, then minisign -V of the signed listing.</summary>
    [Benchmark(Baseline = true)]
    public int Sha256sumPlusMinisign() =>
        Run("sha256sum", _files) + Run("minisign", ["-V", "-q", "-p", _publicKey, "-m", PackSignatureFiles.ListingPath(_pack)]);

    /// <summary>Reach: recompute the digest, check the signature and the statement (no signature cache).</summary>
    [Benchmark]
    public string ReachPackVerify() => PackVerifier.Verify(_pack, _trusted).Digest.ToString();

    private static int Run(string tool, string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start; install it (.ci/run does).");
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? 0 : throw new InvalidOperationException($"{tool} exited with {process.ExitCode}.");
    }
}
