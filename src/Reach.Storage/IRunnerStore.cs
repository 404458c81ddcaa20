namespace Reach.Storage;

/// <summary>
/// Where the runner keeps its sessions and their transcript lines, one implementation per database (SQLite in
/// <c>Reach.Storage.Sqlite</c>, PostgreSQL in <c>Reach.Storage.Postgres</c>; an in-memory one for tests), all held to one conformance suite.
/// Every method is scoped by tenant: the store writes the tenant into each row it creates and a row of another tenant
/// is simply not there (not found, not appendable, not closable).
/// </summary>
internal interface IRunnerStore : IAsyncDisposable
{
    /// <summary>Answers whether the store can be reached (for <c>/readyz</c>).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Creates a session row with its transcript header line; false when the id already exists (for any tenant).</summary>
    Task<bool> CreateSessionAsync(string tenant, NewSession session, CancellationToken cancellationToken);

    /// <summary>
    /// Appends one event line (the bytes exactly as the writer produced them, newline included) to the tenant's open
    /// session; returns only once the row is committed. False when the tenant has no open session with that id.
    /// </summary>
    Task<bool> AppendEventAsync(string tenant, string sessionId, long seq, ReadOnlyMemory<byte> line, CancellationToken cancellationToken);

    /// <summary>
    /// Appends several sessions' event lines in one transaction (the runner's group commit): each append lands whole
    /// or not at all, and returns false (without touching the others) when its tenant has no open session with that
    /// id or a sequence number is taken. Returns only once the transaction is committed.
    /// </summary>
    Task<IReadOnlyList<bool>> AppendEventsAsync(IReadOnlyList<EventAppend> appends, CancellationToken cancellationToken);

    /// <summary>The answers kept for the session's Idempotency-Keys (for a resumed session), in no particular order; empty when there are none or no such session.</summary>
    Task<IReadOnlyList<StoredAnswer>> ReadAnswersAsync(string tenant, string sessionId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> events with a sequence number above <paramref name="afterSeq"/>, in order; null when the tenant has no such session.</summary>
    Task<IReadOnlyList<StoredEvent>?> ReadEventsAsync(string tenant, string sessionId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The transcript's bytes (header, events, and the seal once closed), byte-identical to the writer's file; null when the tenant has no such session.</summary>
    Task<byte[]?> ReadTranscriptAsync(string tenant, string sessionId, CancellationToken cancellationToken);

    /// <summary>Marks the tenant's open session closed with its final status, fingerprint and seal line; false when there is no such open session.</summary>
    Task<bool> CloseSessionAsync(string tenant, string sessionId, SessionClosing closing, CancellationToken cancellationToken);

    /// <summary>The tenant's session with that id, or null.</summary>
    Task<StoredSession?> GetSessionAsync(string tenant, string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// The tenant's sessions ordered by id, up to <paramref name="limit"/> of them after <paramref name="afterId"/>
    /// (null: from the first), keeping those that match <paramref name="filter"/> (null: all).
    /// </summary>
    Task<IReadOnlyList<StoredSession>> ListSessionsAsync(string tenant, string? afterId, int limit, CancellationToken cancellationToken, SessionFilter? filter = null);

    /// <summary>Stores a new API token (only its hash); false when the id or hash already exists.</summary>
    Task<bool> CreateTokenAsync(StoredToken token, CancellationToken cancellationToken);

    /// <summary>Every token of every tenant, revoked ones included, ordered by tenant then name then id.</summary>
    Task<IReadOnlyList<StoredToken>> ListTokensAsync(CancellationToken cancellationToken);

    /// <summary>The token with that hash, revoked or not; null when there is none.</summary>
    Task<StoredToken?> FindTokenAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Marks the token revoked; false when there is no such unrevoked token.</summary>
    Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Which sessions a listing keeps: each non-null member must match.</summary>
internal sealed record SessionFilter(string? Kind = null, string? Status = null, string? PackName = null)
{
    /// <summary>True when <paramref name="session"/> matches every member given.</summary>
    public bool Matches(StoredSession session) =>
        (Kind is null || session.Kind == Kind) && (Status is null || session.Status == Status) && (PackName is null || session.PackName == PackName);
}

/// <summary>An API token as stored: the SHA-256 of its secret, never the secret.</summary>
internal sealed record StoredToken(string Id, string Tenant, string Name, string Hash, DateTimeOffset Created, DateTimeOffset? Revoked);

/// <summary>
/// Consecutive event lines of one session, the first with sequence number <paramref name="FirstSeq"/>, and, for a call
/// sent with an Idempotency-Key, the answer to keep with them (committed in the same transaction).
/// </summary>
internal sealed record EventAppend(string Tenant, string SessionId, long FirstSeq, IReadOnlyList<byte[]> Lines)
{
    public StoredAnswer? Answer { get; init; }
}

/// <summary>The answer given to a call sent with an Idempotency-Key: the key, the SHA-256 of the body, the answer's bytes.</summary>
internal sealed record StoredAnswer(string Key, string BodyDigest, byte[] Answer);

/// <summary>What a new session row holds; the tenant is the store's to fill in.</summary>
internal sealed record NewSession(string Id, string PackName, string PackVersion, string PackDirectory, string PackDigest, DateTimeOffset Created, ReadOnlyMemory<byte> Header)
{
    /// <summary><see cref="StoredSession.SessionKind"/> or <see cref="StoredSession.RunKind"/>.</summary>
    public string Kind { get; init; } = StoredSession.SessionKind;

    /// <summary>The session that spawned this one, if any.</summary>
    public string? ParentId { get; init; }

    /// <summary>How many spawns deep (0 for a session opened directly).</summary>
    public int Depth { get; init; }

    /// <summary>The policy bundle the session is bound to (its path), or null for Core's declared-tools gate.</summary>
    public string? Policy { get; init; }
}

/// <summary>How a session ends: its status, its fingerprint and the seal line the writer produced.</summary>
internal sealed record SessionClosing(string Status, string Fingerprint, ReadOnlyMemory<byte> Seal, DateTimeOffset Closed);

/// <summary>A stored session row.</summary>
internal sealed record StoredSession(
    string Id,
    string Tenant,
    string PackName,
    string PackVersion,
    string PackDirectory,
    string PackDigest,
    string Status,
    DateTimeOffset Created,
    DateTimeOffset? Closed,
    string? Fingerprint,
    long Events)
{
    /// <summary>The status of a session that has not been closed.</summary>
    public const string Open = "open";

    /// <summary>The kind of an agent session driven call by call.</summary>
    public const string SessionKind = "session";

    /// <summary>The kind of a pack run started through the runs API.</summary>
    public const string RunKind = "run";

    /// <summary><see cref="SessionKind"/> or <see cref="RunKind"/>.</summary>
    public string Kind { get; init; } = SessionKind;

    /// <summary>The session that spawned this one, if any.</summary>
    public string? ParentId { get; init; }

    /// <summary>How many spawns deep.</summary>
    public int Depth { get; init; }

    /// <summary>The policy bundle's path, or null.</summary>
    public string? Policy { get; init; }
}

/// <summary>One stored event line: its sequence number and canonical bytes (newline included).</summary>
internal sealed record StoredEvent(long Seq, byte[] Line);
