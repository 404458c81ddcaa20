using System.Text;

namespace Reach.Storage.Tests;

/// <summary>
/// What every <see cref="IRunnerStore"/> must do, written once and run per provider (Dapper's shape): a provider's
/// test class derives from this and supplies the factory (open a fresh store, reopen the same database). Providers
/// today: <see cref="SqliteStoreTests"/>, <see cref="InMemoryStoreTests"/> and <see cref="PostgresStoreTests"/> (one
/// fresh schema per test on the server <c>REACH_TEST_POSTGRES</c> names, failing with a clear message when no server is
/// given; .ci/run and ./run-tests start one through .ci/postgres).
/// (Not generic over the store type: the stores are internal and xUnit needs public test classes.)
/// </summary>
public abstract class StoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Created = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private IRunnerStore? _store;

    private protected IRunnerStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _store = await OpenFreshAsync();

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await CleanUpAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_golden_transcript_round_trips_byte_for_byte()
    {
        var file = await File.ReadAllBytesAsync(Repository.Path("tests", "golden", "files-and-processes.v1.jsonl"), Ct);
        var lines = SplitLines(file);

        Assert.True(await Store.CreateSessionAsync("acme", Session("s1", lines[0]), Ct));
        for (var i = 1; i < lines.Count - 1; i++)
        {
            Assert.True(await Store.AppendEventAsync("acme", "s1", i - 1, lines[i], Ct));
        }

        Assert.True(await Store.CloseSessionAsync("acme", "s1", Closing(lines[^1]), Ct));

        Assert.Equal(file, await Store.ReadTranscriptAsync("acme", "s1", Ct));
    }

    [Fact]
    public async Task Lines_keep_every_byte_including_escapes_and_non_ascii()
    {
        await OpenAsync("acme", "s1");
        var line = Encoding.UTF8.GetBytes("{\"data\":{\"text\":\"caf\u00e9 \u2713 \\u0000 \\\"q\\\" \ud83d\ude80\"},\"seq\":0}\n");
        Assert.True(await Store.AppendEventAsync("acme", "s1", 0, line, Ct));

        var events = await Store.ReadEventsAsync("acme", "s1", -1, 10, Ct);

        Assert.Equal(line, Assert.Single(events!).Line);
        Assert.Equal(Bytes(Header("s1"), line), await Store.ReadTranscriptAsync("acme", "s1", Ct));
    }

    [Fact]
    public async Task An_open_session_transcript_is_the_header_and_events_without_a_seal()
    {
        await OpenAsync("acme", "s1", events: 2);

        var bytes = await Store.ReadTranscriptAsync("acme", "s1", Ct);

        Assert.Equal(Bytes(Header("s1"), Event(0), Event(1)), bytes);
    }

    [Fact]
    public async Task Events_are_paged_by_sequence_number()
    {
        await OpenAsync("acme", "s1", events: 10);

        var first = await Store.ReadEventsAsync("acme", "s1", -1, 4, Ct);
        var second = await Store.ReadEventsAsync("acme", "s1", first![^1].Seq, 4, Ct);
        var third = await Store.ReadEventsAsync("acme", "s1", second![^1].Seq, 4, Ct);
        var past = await Store.ReadEventsAsync("acme", "s1", 9, 4, Ct);

        Assert.Equal([0L, 1, 2, 3], first.Select(e => e.Seq));
        Assert.Equal([4L, 5, 6, 7], second.Select(e => e.Seq));
        Assert.Equal([8L, 9], third!.Select(e => e.Seq));
        Assert.Empty(past!);
        Assert.Equal(Event(5), second[1].Line);
    }

    [Fact]
    public async Task A_session_of_tenant_A_is_invisible_to_tenant_B()
    {
        await OpenAsync("tenant-a", "s1", events: 1);

        Assert.Null(await Store.GetSessionAsync("tenant-b", "s1", Ct));
        Assert.Null(await Store.ReadEventsAsync("tenant-b", "s1", -1, 10, Ct));
        Assert.Null(await Store.ReadTranscriptAsync("tenant-b", "s1", Ct));
        Assert.Empty(await Store.ListSessionsAsync("tenant-b", null, 10, Ct));
        Assert.Equal("tenant-a", (await Store.GetSessionAsync("tenant-a", "s1", Ct))!.Tenant);
    }

    [Fact]
    public async Task Tenant_B_cannot_append_to_or_close_a_session_of_tenant_A()
    {
        await OpenAsync("tenant-a", "s1", events: 1);

        Assert.False(await Store.AppendEventAsync("tenant-b", "s1", 1, Event(1), Ct));
        Assert.False(await Store.CloseSessionAsync("tenant-b", "s1", Closing(Seal()), Ct));
        Assert.False(await Store.CreateSessionAsync("tenant-b", Session("s1", Header("s1")), Ct));

        var session = await Store.GetSessionAsync("tenant-a", "s1", Ct);
        Assert.Equal(StoredSession.Open, session!.Status);
        Assert.Equal(1, session.Events);
        Assert.Equal(Bytes(Header("s1"), Event(0)), await Store.ReadTranscriptAsync("tenant-a", "s1", Ct));
    }

    [Fact]
    public async Task Closing_records_status_fingerprint_and_seal_and_ends_appends()
    {
        await OpenAsync("acme", "s1", events: 2);

        Assert.True(await Store.CloseSessionAsync("acme", "s1", Closing(Seal()), Ct));

        var session = await Store.GetSessionAsync("acme", "s1", Ct);
        Assert.Equal(("succeeded", "sha256:" + new string('f', 64), 2L), (session!.Status, session.Fingerprint, session.Events));
        Assert.Equal(Created.AddMinutes(1), session.Closed);
        Assert.False(await Store.AppendEventAsync("acme", "s1", 2, Event(2), Ct));
        Assert.False(await Store.CloseSessionAsync("acme", "s1", Closing(Seal()), Ct));
        Assert.Equal(Bytes(Header("s1"), Event(0), Event(1), Seal()), await Store.ReadTranscriptAsync("acme", "s1", Ct));
    }

    [Fact]
    public async Task A_session_row_keeps_what_it_was_created_with()
    {
        await OpenAsync("acme", "s1");

        var session = await Store.GetSessionAsync("acme", "s1", Ct);

        Assert.Equal(new StoredSession("s1", "acme", "hello", "1.0.0", "/packs/hello", "sha256:" + new string('a', 64), StoredSession.Open, Created, null, null, 0), session);
    }

    [Fact]
    public async Task A_duplicate_session_id_or_sequence_number_is_refused()
    {
        await OpenAsync("acme", "s1", events: 1);

        Assert.False(await Store.CreateSessionAsync("acme", Session("s1", Header("s1")), Ct));
        Assert.False(await Store.AppendEventAsync("acme", "s1", 0, Event(9), Ct));
        Assert.Equal(Event(0), Assert.Single((await Store.ReadEventsAsync("acme", "s1", -1, 10, Ct))!).Line);
    }

    [Fact]
    public async Task Sessions_are_listed_per_tenant_in_pages()
    {
        foreach (var id in new[] { "s3", "s1", "s5", "s2", "s4" })
        {
            await OpenAsync("acme", id);
        }

        await OpenAsync("other", "s0");

        var first = await Store.ListSessionsAsync("acme", null, 2, Ct);
        var second = await Store.ListSessionsAsync("acme", first[^1].Id, 2, Ct);
        var third = await Store.ListSessionsAsync("acme", second[^1].Id, 2, Ct);

        Assert.Equal(["s1", "s2", "s3", "s4", "s5"], first.Concat(second).Concat(third).Select(s => s.Id));
        Assert.All(first.Concat(second).Concat(third), s => Assert.Equal("acme", s.Tenant));
    }

    [Fact]
    public async Task Concurrent_appends_to_different_sessions_all_land_in_order()
    {
        const int Sessions = 6;
        const int Events = 40;
        for (var s = 0; s < Sessions; s++)
        {
            await OpenAsync("acme", "s" + s);
        }

        await Task.WhenAll(Enumerable.Range(0, Sessions).Select(s => Task.Run(
            async () =>
            {
                for (var e = 0; e < Events; e++)
                {
                    Assert.True(await Store.AppendEventAsync("acme", "s" + s, e, Event(e), Ct));
                }
            },
            Ct)));

        for (var s = 0; s < Sessions; s++)
        {
            var events = await Store.ReadEventsAsync("acme", "s" + s, -1, 1000, Ct);
            Assert.Equal(Enumerable.Range(0, Events).Select(e => (long)e), events!.Select(e => e.Seq));
            Assert.Equal(Events, (await Store.GetSessionAsync("acme", "s" + s, Ct))!.Events);
        }
    }

    [Fact]
    public async Task Reopening_the_database_keeps_everything_and_migrating_again_changes_nothing()
    {
        await OpenAsync("acme", "s1", events: 3);
        var before = await Store.ReadTranscriptAsync("acme", "s1", Ct);

        var reopened = await ReopenAsync(Store);
        var again = await ReopenAsync(reopened);

        Assert.Equal(before, await again.ReadTranscriptAsync("acme", "s1", Ct));
        Assert.True(await again.PingAsync(Ct));
        if (!ReferenceEquals(reopened, Store))
        {
            await reopened.DisposeAsync();
        }

        if (!ReferenceEquals(again, Store))
        {
            await again.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_token_is_found_by_its_hash_and_listed_by_tenant_name_and_id()
    {
        var tokens = new[] { Token("tok_3", "globex", "ci", "h3"), Token("tok_2", "acme", "deploy", "h2"), Token("tok_1b", "acme", "ci", "h1b"), Token("tok_1a", "acme", "ci", "h1a") };
        foreach (var token in tokens)
        {
            Assert.True(await Store.CreateTokenAsync(token, Ct));
        }

        var listed = await Store.ListTokensAsync(Ct);

        Assert.Equal(["tok_1a", "tok_1b", "tok_2", "tok_3"], listed.Select(t => t.Id));
        Assert.Equal(tokens[1], listed[2]);
        Assert.Equal(tokens[0], await Store.FindTokenAsync(TokenHash("h3"), Ct));
        Assert.Null(await Store.FindTokenAsync(TokenHash("nope"), Ct));
    }

    [Fact]
    public async Task A_duplicate_token_id_or_hash_is_refused()
    {
        Assert.True(await Store.CreateTokenAsync(Token("tok_1", "acme", "ci", "h1"), Ct));

        Assert.False(await Store.CreateTokenAsync(Token("tok_1", "acme", "other", "h2"), Ct));
        Assert.False(await Store.CreateTokenAsync(Token("tok_2", "globex", "ci", "h1"), Ct));

        Assert.Equal(Token("tok_1", "acme", "ci", "h1"), Assert.Single(await Store.ListTokensAsync(Ct)));
        Assert.Null(await Store.FindTokenAsync(TokenHash("h2"), Ct));
    }

    [Fact]
    public async Task A_revoked_token_keeps_its_row_with_the_revocation_time_and_is_revoked_once()
    {
        Assert.True(await Store.CreateTokenAsync(Token("tok_1", "acme", "ci", "h1"), Ct));
        Assert.True(await Store.CreateTokenAsync(Token("tok_2", "acme", "deploy", "h2"), Ct));
        var at = Created.AddHours(2);

        Assert.True(await Store.RevokeTokenAsync("tok_1", at, Ct));
        Assert.False(await Store.RevokeTokenAsync("tok_1", at.AddHours(1), Ct));
        Assert.False(await Store.RevokeTokenAsync("tok_missing", at, Ct));

        Assert.Equal(at, (await Store.FindTokenAsync(TokenHash("h1"), Ct))!.Revoked);
        Assert.Null((await Store.FindTokenAsync(TokenHash("h2"), Ct))!.Revoked);
        Assert.Equal([at, null], (await Store.ListTokensAsync(Ct)).Select(t => t.Revoked));
    }

    [Fact]
    public async Task Tokens_survive_reopening_the_database()
    {
        Assert.True(await Store.CreateTokenAsync(Token("tok_1", "acme", "ci", "h1"), Ct));
        Assert.True(await Store.RevokeTokenAsync("tok_1", Created.AddHours(1), Ct));

        var reopened = await ReopenAsync(Store);

        Assert.Equal(Token("tok_1", "acme", "ci", "h1") with { Revoked = Created.AddHours(1) }, Assert.Single(await reopened.ListTokensAsync(Ct)));
        if (!ReferenceEquals(reopened, Store))
        {
            await reopened.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_session_row_keeps_its_kind_lineage_and_policy()
    {
        var child = Session("s2", Header("s2")) with { Kind = StoredSession.SessionKind, ParentId = "s1", Depth = 2, Policy = "/policies/strict.json" };
        var run = Session("r1", Header("r1")) with { Kind = StoredSession.RunKind };
        Assert.True(await Store.CreateSessionAsync("acme", child, Ct));
        Assert.True(await Store.CreateSessionAsync("acme", run, Ct));

        var storedChild = await Store.GetSessionAsync("acme", "s2", Ct);
        var storedRun = await Store.GetSessionAsync("acme", "r1", Ct);

        Assert.Equal((StoredSession.SessionKind, "s1", 2, "/policies/strict.json"), (storedChild!.Kind, storedChild.ParentId, storedChild.Depth, storedChild.Policy));
        Assert.Equal((StoredSession.RunKind, (string?)null, 0, (string?)null), (storedRun!.Kind, storedRun.ParentId, storedRun.Depth, storedRun.Policy));
    }

    [Fact]
    public async Task A_listing_keeps_only_the_sessions_matching_kind_status_and_pack()
    {
        Assert.True(await Store.CreateSessionAsync("acme", Session("a1", Header("a1")), Ct));
        Assert.True(await Store.CreateSessionAsync("acme", Session("a2", Header("a2")) with { PackName = "other" }, Ct));
        Assert.True(await Store.CreateSessionAsync("acme", Session("a3", Header("a3")) with { Kind = StoredSession.RunKind }, Ct));
        Assert.True(await Store.CreateSessionAsync("acme", Session("a4", Header("a4")) with { Kind = StoredSession.RunKind }, Ct));
        Assert.True(await Store.CreateSessionAsync("other", Session("a5", Header("a5")) with { Kind = StoredSession.RunKind }, Ct));
        Assert.True(await Store.CloseSessionAsync("acme", "a1", Closing(Seal()), Ct));
        Assert.True(await Store.CloseSessionAsync("acme", "a4", Closing(Seal()) with { Status = "denied" }, Ct));

        async Task<IEnumerable<string>> Ids(SessionFilter? filter, string? after = null, int limit = 10) =>
            (await Store.ListSessionsAsync("acme", after, limit, Ct, filter)).Select(s => s.Id);

        Assert.Equal(["a1", "a2", "a3", "a4"], await Ids(null));
        Assert.Equal(["a1", "a2"], await Ids(new SessionFilter(Kind: StoredSession.SessionKind)));
        Assert.Equal(["a3", "a4"], await Ids(new SessionFilter(Kind: StoredSession.RunKind)));
        Assert.Equal(["a2", "a3"], await Ids(new SessionFilter(Status: StoredSession.Open)));
        Assert.Equal(["a4"], await Ids(new SessionFilter(StoredSession.RunKind, "denied")));
        Assert.Equal(["a2"], await Ids(new SessionFilter(PackName: "other")));
        Assert.Equal(["a1", "a3", "a4"], await Ids(new SessionFilter(PackName: "hello")));
        Assert.Equal(["a3"], await Ids(new SessionFilter(StoredSession.RunKind, StoredSession.Open, "hello")));
        Assert.Empty(await Ids(new SessionFilter(StoredSession.SessionKind, "denied")));

        // Paging applies after the filter: a page is full of matching rows.
        Assert.Equal(["a3"], await Ids(new SessionFilter(PackName: "hello"), after: "a1", limit: 1));
        Assert.Equal(["a4"], await Ids(new SessionFilter(PackName: "hello"), after: "a3", limit: 1));
    }

    [Fact]
    public async Task A_group_append_lands_each_session_whole_and_refuses_only_the_wrong_ones()
    {
        await OpenAsync("acme", "s1", events: 1);
        await OpenAsync("acme", "s2");
        await OpenAsync("acme", "s3", events: 2);
        await OpenAsync("globex", "g1");
        Assert.True(await Store.CloseSessionAsync("acme", "s3", Closing(Seal()), Ct));

        var results = await Store.AppendEventsAsync(
            [
                new EventAppend("acme", "s1", 1, [Event(1), Event(2)]),   // goes on from its one event
                new EventAppend("acme", "s2", 5, [Event(5)]),             // a gap: s2 has no event yet
                new EventAppend("acme", "s3", 2, [Event(2)]),             // closed
                new EventAppend("acme", "g1", 0, [Event(0)]),             // another tenant's session
                new EventAppend("globex", "g1", 0, [Event(0), Event(1), Event(2)]),
                new EventAppend("acme", "s1", 1, [Event(1)]),             // seq 1 is taken by the first append
            ],
            Ct);

        Assert.Equal([true, false, false, false, true, false], results);
        Assert.Equal([0L, 1, 2], (await Store.ReadEventsAsync("acme", "s1", -1, 10, Ct))!.Select(e => e.Seq));
        Assert.Equal(Event(2), (await Store.ReadEventsAsync("acme", "s1", 1, 10, Ct))![0].Line);
        Assert.Empty((await Store.ReadEventsAsync("acme", "s2", -1, 10, Ct))!);
        Assert.Equal(2, (await Store.ReadEventsAsync("acme", "s3", -1, 10, Ct))!.Count);
        Assert.Equal(3, (await Store.GetSessionAsync("globex", "g1", Ct))!.Events);
        Assert.Equal(3, (await Store.GetSessionAsync("acme", "s1", Ct))!.Events);
        Assert.Equal(Bytes(Header("s1"), Event(0), Event(1), Event(2)), await Store.ReadTranscriptAsync("acme", "s1", Ct));
    }

    [Fact]
    public async Task An_answer_is_kept_only_with_events_that_landed_and_only_for_its_tenant()
    {
        await OpenAsync("acme", "s1");
        var kept = new StoredAnswer("key-1", "sha256:" + new string('a', 64), Encoding.UTF8.GetBytes("{\"seq\":1}"));
        var refused = new StoredAnswer("key-2", "sha256:" + new string('b', 64), [1, 2, 3]);

        var results = await Store.AppendEventsAsync(
            [
                new EventAppend("acme", "s1", 0, [Event(0), Event(1)]) { Answer = kept },
                new EventAppend("acme", "s1", 0, [Event(0)]) { Answer = refused },
            ],
            Ct);

        Assert.Equal([true, false], results);
        var answers = await Store.ReadAnswersAsync("acme", "s1", Ct);
        var answer = Assert.Single(answers);
        Assert.Equal(kept.Key, answer.Key);
        Assert.Equal(kept.BodyDigest, answer.BodyDigest);
        Assert.Equal(kept.Answer, answer.Answer);
        Assert.Empty(await Store.ReadAnswersAsync("globex", "s1", Ct));
        Assert.Empty(await Store.ReadAnswersAsync("acme", "nope", Ct));
    }

    [Fact]
    public async Task Concurrent_group_appends_to_one_session_take_each_sequence_number_once()
    {
        await OpenAsync("acme", "s1");
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.AppendEventsAsync([new EventAppend("acme", "s1", 0, [Event(0), Event(1)])], Ct)));
        Assert.Equal(1, attempts.Count(r => r[0]));
        Assert.Equal(2, (await Store.GetSessionAsync("acme", "s1", Ct))!.Events);
    }

    [Fact]
    public async Task A_reachable_store_answers_the_ping() => Assert.True(await Store.PingAsync(Ct));

    /// <summary>Opens a store on a fresh, empty database (migrations applied).</summary>
    private protected abstract Task<IRunnerStore> OpenFreshAsync();

    /// <summary>Opens another store on the same database as <paramref name="store"/>, applying the migrations again.</summary>
    private protected abstract Task<IRunnerStore> ReopenAsync(IRunnerStore store);

    /// <summary>Removes what <see cref="OpenFreshAsync"/> created.</summary>
    private protected virtual Task CleanUpAsync() => Task.CompletedTask;

    private protected static byte[] Header(string id) => Encoding.UTF8.GetBytes($"{{\"engine\":\"reach/1\",\"format\":1,\"run_id\":\"{id}\",\"type\":\"reach.transcript\"}}\n");

    private protected static byte[] Event(long seq) => Encoding.UTF8.GetBytes($"{{\"data\":{{\"n\":{seq}}},\"seq\":{seq},\"type\":\"tool.result\"}}\n");

    private static byte[] Bytes(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Seal() => "{\"events\":2,\"fingerprint\":\"sha256:ff\",\"type\":\"reach.seal\"}\n"u8.ToArray();

    private static NewSession Session(string id, byte[] header) =>
        new(id, "hello", "1.0.0", "/packs/hello", "sha256:" + new string('a', 64), Created, header);

    private static StoredToken Token(string id, string tenant, string name, string secret) => new(id, tenant, name, TokenHash(secret), Created, null);

    // What the runner stores for a token: the SHA-256 of its secret (Reach.Runner's Tokens.Hash).
    private static string TokenHash(string secret) => Reach.Core.Hashing.Sha256Digest.Compute(Encoding.UTF8.GetBytes("reach_" + secret)).ToString();

    private static SessionClosing Closing(byte[] seal) => new("succeeded", "sha256:" + new string('f', 64), seal, Created.AddMinutes(1));

    private static List<byte[]> SplitLines(byte[] file)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < file.Length; i++)
        {
            if (file[i] == (byte)'\n')
            {
                lines.Add(file[start..(i + 1)]);
                start = i + 1;
            }
        }

        return lines;
    }

    private async Task OpenAsync(string tenant, string id, int events = 0)
    {
        Assert.True(await Store.CreateSessionAsync(tenant, Session(id, Header(id)), Ct));
        for (var seq = 0; seq < events; seq++)
        {
            Assert.True(await Store.AppendEventAsync(tenant, id, seq, Event(seq), Ct));
        }
    }
}
