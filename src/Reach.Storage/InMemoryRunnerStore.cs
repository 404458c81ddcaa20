namespace Reach.Storage;

/// <summary>
/// A store held in memory, for tests: nothing survives a restart. <c>reach serve</c> uses SQLite or PostgreSQL.
/// </summary>
internal sealed class InMemoryRunnerStore : IRunnerStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly List<StoredToken> _tokens = [];

    public Task<bool> PingAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> CreateSessionAsync(string tenant, NewSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            return Task.FromResult(_sessions.TryAdd(
                session.Id,
                new Entry(
                    new StoredSession(session.Id, tenant, session.PackName, session.PackVersion, session.PackDirectory, session.PackDigest, StoredSession.Open, session.Created, null, null, 0)
                    {
                        Kind = session.Kind,
                        ParentId = session.ParentId,
                        Depth = session.Depth,
                        Policy = session.Policy,
                    },
                    session.Header.ToArray())));
        }
    }

    public Task<bool> AppendEventAsync(string tenant, string sessionId, long seq, ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Find(tenant, sessionId) is not { } entry || entry.Session.Status != StoredSession.Open || entry.Events.ContainsKey(seq))
            {
                return Task.FromResult(false);
            }

            entry.Events.Add(seq, line.ToArray());
            entry.Session = entry.Session with { Events = entry.Events.Count };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<bool>> AppendEventsAsync(IReadOnlyList<EventAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);
        var results = new bool[appends.Count];
        lock (_gate)
        {
            for (var i = 0; i < appends.Count; i++)
            {
                var append = appends[i];
                if (Find(append.Tenant, append.SessionId) is not { } entry || entry.Session.Status != StoredSession.Open || entry.Events.Count != append.FirstSeq)
                {
                    continue;
                }

                for (var j = 0; j < append.Lines.Count; j++)
                {
                    entry.Events.Add(append.FirstSeq + j, append.Lines[j]);
                }

                entry.Session = entry.Session with { Events = entry.Events.Count };
                if (append.Answer is { } kept)
                {
                    entry.Answers.TryAdd(kept.Key, kept);
                }

                results[i] = true;
            }
        }

        return Task.FromResult<IReadOnlyList<bool>>(results);
    }

    public Task<IReadOnlyList<StoredAnswer>> ReadAnswersAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredAnswer>>(Find(tenant, sessionId) is { } entry ? [.. entry.Answers.Values] : []);
        }
    }

    public Task<IReadOnlyList<StoredEvent>?> ReadEventsAsync(string tenant, string sessionId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Find(tenant, sessionId) is not { } entry)
            {
                return Task.FromResult<IReadOnlyList<StoredEvent>?>(null);
            }

            var page = new List<StoredEvent>();
            foreach (var (seq, line) in entry.Events)
            {
                if (seq > afterSeq && page.Count < limit)
                {
                    page.Add(new StoredEvent(seq, line));
                }
            }

            return Task.FromResult<IReadOnlyList<StoredEvent>?>(page);
        }
    }

    public Task<byte[]?> ReadTranscriptAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Find(tenant, sessionId) is not { } entry)
            {
                return Task.FromResult<byte[]?>(null);
            }

            using var bytes = new MemoryStream();
            bytes.Write(entry.Header);
            foreach (var line in entry.Events.Values)
            {
                bytes.Write(line);
            }

            bytes.Write(entry.Seal);
            return Task.FromResult<byte[]?>(bytes.ToArray());
        }
    }

    public Task<bool> CloseSessionAsync(string tenant, string sessionId, SessionClosing closing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(closing);
        lock (_gate)
        {
            if (Find(tenant, sessionId) is not { } entry || entry.Session.Status != StoredSession.Open)
            {
                return Task.FromResult(false);
            }

            entry.Session = entry.Session with { Status = closing.Status, Fingerprint = closing.Fingerprint, Closed = closing.Closed };
            entry.Seal = closing.Seal.ToArray();
            return Task.FromResult(true);
        }
    }

    public Task<StoredSession?> GetSessionAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Find(tenant, sessionId)?.Session);
        }
    }

    public Task<IReadOnlyList<StoredSession>> ListSessionsAsync(string tenant, string? afterId, int limit, CancellationToken cancellationToken, SessionFilter? filter = null)
    {
        lock (_gate)
        {
            var page = new List<StoredSession>();
            foreach (var entry in _sessions.Values)
            {
                if (entry.Session.Tenant == tenant && (afterId is null || string.CompareOrdinal(entry.Session.Id, afterId) > 0) && (filter is null || filter.Matches(entry.Session)))
                {
                    page.Add(entry.Session);
                }
            }

            page.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
            return Task.FromResult<IReadOnlyList<StoredSession>>(page.Count > limit ? page[..limit] : page);
        }
    }

    public Task<bool> CreateTokenAsync(StoredToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (_gate)
        {
            if (_tokens.Exists(t => t.Id == token.Id || t.Hash == token.Hash))
            {
                return Task.FromResult(false);
            }

            _tokens.Add(token);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<StoredToken>> ListTokensAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredToken>>([.. _tokens.OrderBy(t => t.Tenant, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal)]);
        }
    }

    public Task<StoredToken?> FindTokenAsync(string hash, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_tokens.Find(t => t.Hash == hash));
        }
    }

    public Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var index = _tokens.FindIndex(t => t.Id == id && t.Revoked is null);
            if (index < 0)
            {
                return Task.FromResult(false);
            }

            _tokens[index] = _tokens[index] with { Revoked = at };
            return Task.FromResult(true);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Entry? Find(string tenant, string sessionId) =>
        _sessions.TryGetValue(sessionId, out var entry) && entry.Session.Tenant == tenant ? entry : null;

    private sealed class Entry(StoredSession session, byte[] header)
    {
        public StoredSession Session { get; set; } = session;

        public byte[] Header { get; } = header;

        public SortedDictionary<long, byte[]> Events { get; } = [];

        public byte[] Seal { get; set; } = [];

        public Dictionary<string, StoredAnswer> Answers { get; } = new(StringComparer.Ordinal);
    }
}
