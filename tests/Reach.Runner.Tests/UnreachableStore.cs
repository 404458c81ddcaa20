using Reach.Runner.Storage;

namespace Reach.Runner.Tests;

/// <summary>A store whose database is gone: every call throws an <see cref="IOException"/>, as a driver would.</summary>
internal sealed class UnreachableStore : IRunnerStore
{
    /// <summary>The message of the exception listing sessions throws.</summary>
    public string ListFailure { get; init; } = "I/O error";

    public Task<bool> PingAsync(CancellationToken cancellationToken) => throw new IOException("the database is gone");

    public Task<bool> CreateSessionAsync(string tenant, NewSession session, CancellationToken cancellationToken) => throw new IOException();

    public Task<bool> AppendEventAsync(string tenant, string sessionId, long seq, ReadOnlyMemory<byte> line, CancellationToken cancellationToken) => throw new IOException();

    public Task<IReadOnlyList<bool>> AppendEventsAsync(IReadOnlyList<EventAppend> appends, CancellationToken cancellationToken) => throw new IOException();

    public Task<IReadOnlyList<StoredAnswer>> ReadAnswersAsync(string tenant, string sessionId, CancellationToken cancellationToken) => throw new IOException();

    public Task<IReadOnlyList<StoredEvent>?> ReadEventsAsync(string tenant, string sessionId, long afterSeq, int limit, CancellationToken cancellationToken) => throw new IOException();

    public Task<byte[]?> ReadTranscriptAsync(string tenant, string sessionId, CancellationToken cancellationToken) => throw new IOException();

    public Task<bool> CloseSessionAsync(string tenant, string sessionId, SessionClosing closing, CancellationToken cancellationToken) => throw new IOException();

    public Task<StoredSession?> GetSessionAsync(string tenant, string sessionId, CancellationToken cancellationToken) => throw new IOException();

    public Task<IReadOnlyList<StoredSession>> ListSessionsAsync(string tenant, string? afterId, int limit, CancellationToken cancellationToken, SessionFilter? filter = null) => throw new IOException(ListFailure);

    public Task<bool> CreateTokenAsync(StoredToken token, CancellationToken cancellationToken) => throw new IOException();

    public Task<IReadOnlyList<StoredToken>> ListTokensAsync(CancellationToken cancellationToken) => throw new IOException();

    public Task<StoredToken?> FindTokenAsync(string hash, CancellationToken cancellationToken) => throw new IOException();

    public Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) => throw new IOException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
