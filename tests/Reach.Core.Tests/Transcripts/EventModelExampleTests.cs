using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reach.Core.Engine;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Transcripts;

/// <summary>
/// Re-creates the worked example of docs/EVENT_MODEL.md with the same pack, clock and randomness, and checks that
/// the document shows every line, hash and tree node the engine computes, so the document cannot drift from the code.
/// </summary>
public sealed class EventModelExampleTests
{
    /// <summary>The pack of the worked example, exactly as the document shows it.</summary>
    internal const string PackJson = """
        {
          "name": "example",
          "version": "1.0.0",
          "tools": [{ "name": "echo", "cost": 0 }],
          "steps": [{ "id": "list", "tool": "proc.exec", "input": { "command": "ls" } }],
          "budgets": { "max_steps": 1 }
        }
        """;

    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Runs the worked example: a stopped clock that moves 250 ms at each reading, and randomness 00 01 02 ….</summary>
    internal static byte[] WriteWorkedExample()
    {
        var directory = Directory.CreateTempSubdirectory("reach-event-model-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, PackLoader.ManifestFile), PackJson + "\n");
            var pack = PackLoader.Load(directory.FullName, ToolRegistry.BuiltIn.Names);
            using var output = new MemoryStream();
            TestRuns.Execute(pack, RunInputs.Resolve(pack.Manifest, null), new SessionOptionsTemplate
            {
                OpenTranscript = _ => output,
                Effects = new LiveEffects(() => throw new InvalidOperationException("The worked example runs no tool with effects.")),
                Clock = new FakeTimeProvider(Start) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(250) },
                Random = new CountingRandomSource(),
            });
            return output.ToArray();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_worked_example_is_a_sealed_transcript_of_four_events_that_verifies()
    {
        var transcript = WriteWorkedExample();

        var report = TranscriptVerifier.Verify(new MemoryStream(transcript));

        Assert.True(report.Ok, report.Failure?.Message);
        Assert.Equal(4, report.Events);
        Assert.Equal(6, Lines(transcript).Count);
    }

    [Fact]
    public void The_document_shows_the_worked_example_pack_and_every_line_of_its_transcript()
    {
        var document = ReadDocument();
        var transcript = WriteWorkedExample();

        Assert.Contains(PackJson, document, StringComparison.Ordinal);
        Assert.Contains(Encoding.UTF8.GetString(transcript), document, StringComparison.Ordinal);
        Assert.Contains($"`wc -c` gives {transcript.Length} bytes", document, StringComparison.Ordinal);
    }

    [Fact]
    public void The_document_shows_the_header_hash_and_every_event_hash_input_and_digest()
    {
        var document = ReadDocument();
        var lines = Lines(WriteWorkedExample());
        var previous = Sha256Digest.Compute(Encoding.UTF8.GetBytes(lines[0]));
        Assert.Contains($"header_hash = SHA-256(line 1) = {previous}", document, StringComparison.Ordinal);

        foreach (var line in lines[1..^1])
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var salt = Convert.FromHexString(root.GetProperty("salt").GetString()!);
            var data = Encoding.UTF8.GetBytes(root.GetProperty("data").GetRawText());
            var dataDigest = TranscriptFormat.DataDigest(salt, data);
            var seq = root.GetProperty("seq").GetInt64();
            var type = root.GetProperty("type").GetString()!;
            var hashInput = $"{{\"data_digest\":\"{dataDigest}\",\"prev\":\"{previous}\",\"seq\":{seq},\"type\":\"{type}\"}}";
            var hash = TranscriptFormat.EventHash(seq, TranscriptFormat.TypeToken(type), previous, dataDigest);

            Assert.Equal(hash, Sha256Digest.Compute(Encoding.UTF8.GetBytes(hashInput)));
            Assert.Contains(Hex([.. salt, .. data]), document.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains($"= {dataDigest}", document, StringComparison.Ordinal);
            Assert.Contains(hashInput, document, StringComparison.Ordinal);
            Assert.Contains($"= {hash}", document, StringComparison.Ordinal);
            previous = hash;
        }
    }

    [Fact]
    public void The_document_shows_every_leaf_and_node_of_the_fingerprint_tree()
    {
        var document = ReadDocument();
        var transcript = WriteWorkedExample();
        var hashes = new List<Sha256Digest>();
        foreach (var line in Lines(transcript)[1..^1])
        {
            using var json = JsonDocument.Parse(line);
            hashes.Add(Sha256Digest.Parse(json.RootElement.GetProperty("hash").GetString()!));
        }

        var leaves = hashes.ConvertAll(hash => MerkleTree.LeafHash(hash.ToArray()));
        var left = MerkleTree.NodeHash(leaves[0], leaves[1]);
        var right = MerkleTree.NodeHash(leaves[2], leaves[3]);
        var head = MerkleTree.NodeHash(left, right);

        Assert.Equal(TranscriptVerifier.Verify(new MemoryStream(transcript)).Fingerprint, head);
        for (var i = 0; i < leaves.Count; i++)
        {
            Assert.Contains("  00" + hashes[i].ToHex(), document, StringComparison.Ordinal);
            Assert.Contains($"leaf {i} = SHA-256(leaf {i} input) = {leaves[i]}", document, StringComparison.Ordinal);
        }

        Assert.Contains($"node 0..1 = {left}", document, StringComparison.Ordinal);
        Assert.Contains($"node 2..3 = {right}", document, StringComparison.Ordinal);
        Assert.Contains($"head = fingerprint = {head}", document, StringComparison.Ordinal);
        Assert.Contains($"fingerprint = {head}", document, StringComparison.Ordinal);
        Assert.Contains($"head(3) = SHA-256(0x01 ‖ node 0..1 ‖ leaf 2) = {MerkleTree.NodeHash(left, leaves[2])}", document, StringComparison.Ordinal);
        Assert.Contains($"head(0) = SHA-256(nothing)                   = {Sha256Digest.Empty}", document, StringComparison.Ordinal);
    }

    [Fact]
    public void The_document_shows_the_redacted_line_and_its_unchanged_fingerprint()
    {
        var document = ReadDocument();
        var transcript = WriteWorkedExample();
        var redacted = TranscriptRedaction.Redact(transcript, [1]);

        var report = TranscriptVerifier.Verify(new MemoryStream(redacted));

        Assert.True(report.Ok, report.Failure?.Message);
        Assert.Equal(1, report.Redacted);
        Assert.Contains(Lines(redacted)[2], document, StringComparison.Ordinal);
        Assert.Contains($"OK 4 events (1 redacted) fingerprint {report.Fingerprint}", document, StringComparison.Ordinal);
    }

    private static string ReadDocument() => File.ReadAllText(Path.Combine(Repository.Root, "docs", "EVENT_MODEL.md"));

    private static List<string> Lines(byte[] transcript) =>
        [.. Encoding.UTF8.GetString(transcript).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Randomness that is the byte sequence 00 01 02 …, each draw going on where the last one stopped.</summary>
    private sealed class CountingRandomSource : IRandomSource
    {
        private byte _next;

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = _next++;
            }
        }
    }
}
