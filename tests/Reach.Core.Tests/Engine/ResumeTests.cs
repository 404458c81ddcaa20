using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;

namespace Reach.Core.Tests.Engine;

/// <summary><see cref="RunSession.Resume"/>: a session taken up from its unsealed transcript goes on as if it had never stopped.</summary>
public sealed class ResumeTests
{
    private static readonly JsonElement Input = JsonSerializer.Deserialize<JsonElement>("""{"a":1}""");

    [Fact]
    public void A_resumed_session_writes_exactly_the_bytes_of_one_that_never_stopped()
    {
        var pack = Hello();
        var whole = new MemoryStream();
        using (var session = new RunSession(Options(pack, new SplitMix64(7), Clock(), whole)))
        {
            for (var i = 0; i < 3; i++)
            {
                session.Propose("echo", Input, null, i);
            }

            session.Finish(RunStatus.Succeeded);
        }

        var random = new SplitMix64(7);
        var clock = Clock();
        var before = new MemoryStream();
        var first = new RunSession(Options(pack, random, clock, before));
        first.Propose("echo", Input, null, 0);
        first.Propose("echo", Input, null, 1);
        first.Dispose();
        var recorded = before.ToArray();

        var after = new MemoryStream();
        string? reopened = null;
        using (var resumed = RunSession.Resume(Options(pack, random, clock, after, id => reopened = id), recorded))
        {
            Assert.Equal(2, resumed.Calls);
            Assert.Equal(first.RunId, resumed.RunId);
            resumed.Propose("echo", Input, null, 2);
            resumed.Finish(RunStatus.Succeeded);
        }

        Assert.Equal(first.RunId, reopened);
        byte[] joined = [.. recorded, .. after.ToArray()];
        Assert.Equal(whole.ToArray(), joined);
    }

    [Fact]
    public void The_budget_ledger_is_rebuilt_from_the_recorded_decisions()
    {
        var pack = Hello();
        var before = new MemoryStream();
        var first = new RunSession(Options(pack, new SplitMix64(1), Clock(), before));
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(RunStatus.Succeeded, first.Propose("echo", Input, null, i).Status);
        }

        first.Dispose();
        using var resumed = RunSession.Resume(Options(pack, new SplitMix64(2), Clock(), new MemoryStream()), before.ToArray());
        var allowed = 0;
        CallOutcome outcome;
        while ((outcome = resumed.Propose("echo", Input, null, resumed.Calls + allowed)).Status == RunStatus.Succeeded)
        {
            allowed++;
            Assert.True(allowed <= 10, "the budget gate never denied");
        }

        // hello allows 10 steps: 6 were recorded before the session stopped.
        Assert.Equal(4, allowed);
        Assert.Equal("budget", outcome.Gate);
    }

    [Fact]
    public void A_sealed_tampered_or_rebound_transcript_is_not_resumed()
    {
        var pack = Hello();
        var sealedStream = new MemoryStream();
        using (var session = new RunSession(Options(pack, new SplitMix64(3), Clock(), sealedStream)))
        {
            session.Propose("echo", Input, null, 0);
            session.Finish(RunStatus.Succeeded);
        }

        var open = new MemoryStream();
        var unfinished = new RunSession(Options(pack, new SplitMix64(4), Clock(), open));
        unfinished.Propose("echo", Input, null, 0);
        unfinished.Dispose();
        var tampered = open.ToArray();
        var at = Array.LastIndexOf(tampered, (byte)'1');
        tampered[at] = (byte)'2';

        Assert.Equal(ErrorCatalog.SessionNotResumable, Refusal(() => RunSession.Resume(Options(pack, new SplitMix64(5), Clock(), new MemoryStream()), sealedStream.ToArray())));
        Assert.Equal(ErrorCatalog.SessionNotResumable, Refusal(() => RunSession.Resume(Options(pack, new SplitMix64(5), Clock(), new MemoryStream()), tampered)));
        var otherPolicy = Options(pack, new SplitMix64(5), Clock(), new MemoryStream()) with { Policy = new DigestGate() };
        Assert.Equal(ErrorCatalog.SessionNotResumable, Refusal(() => RunSession.Resume(otherPolicy, open.ToArray())));
    }

    private static ErrorCode Refusal(Action action) => Assert.Throws<ReachException>(action).Error;

    private static LoadedPack Hello()
    {
        return PackLoader.Load(Repository.Example("hello"), ToolRegistry.BuiltIn.Names);
    }

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(2) };

    private static SessionOptions Options(LoadedPack pack, IRandomSource random, TimeProvider clock, Stream stream, Action<string>? opened = null) => new()
    {
        Pack = pack.Manifest,
        PackDigest = pack.Digest,
        Inputs = RunInputs.Resolve(pack.Manifest, null),
        OpenTranscript = id =>
        {
            opened?.Invoke(id);
            return new KeepOpen(stream);
        },
        Effects = new LiveEffects(() => throw new InvalidOperationException("no side effects here")),
        Clock = clock,
        Random = random,
    };

    // The session disposes its stream when it stops; the test reads the bytes after.
    private sealed class KeepOpen(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }

    private sealed class DigestGate : IPolicyGate
    {
        public Reach.Core.Hashing.Sha256Digest Digest { get; } = Reach.Core.Hashing.Sha256Digest.Compute("another policy"u8);

        public PolicyDecision Decide(ToolCallRequest request) => DeclaredToolsPolicyGate.Instance.Decide(request);
    }
}
