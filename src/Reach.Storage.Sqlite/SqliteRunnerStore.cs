using System.Globalization;
using Reach.Core.Errors;

namespace Reach.Storage.Sqlite;

/// <summary>
/// The runner's store in one SQLite file (<c>REACH_HOME/reach.db</c> by default), in WAL mode so reads do not wait
/// for the writer. A connection per operation, from Microsoft.Data.Sqlite's pool.
/// </summary>
internal sealed partial class SqliteRunnerStore : IRunnerStore
{
    private readonly string _connectionString;

    private SqliteRunnerStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The default database of a REACH_HOME.</summary>
    public static string DefaultPath(string home) => System.IO.Path.Combine(home, "reach.db");

    /// <summary>Opens (creating if needed) the database, switches it to WAL and applies the pending migrations.</summary>
    public static async Task<SqliteRunnerStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var store = new SqliteRunnerStore(System.IO.Path.GetFullPath(path));
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(store.Path)!);
            var connection = await store.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using (var wal = connection.CreateCommand())
                {
                    wal.CommandText = "PRAGMA journal_mode=WAL;";
                    await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await SqliteMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The database '{store.Path}' cannot be opened: {ex.Message}")
            {
                Fix = "Check that the SQLite file (REACH_HOME/reach.db unless configured) is writable and not locked by another program; /readyz reports it.",
            };
        }

        return store;
    }

    /// <summary>The schema version the database is at.</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqliteMigrations.CurrentAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies the migrations again (a no-op once applied).</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqliteMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SchemaVersionAsync(cancellationToken).ConfigureAwait(false) == SqliteMigrations.All.Length;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public async Task<bool> CreateSessionAsync(string tenant, NewSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO sessions (id, tenant, pack_name, pack_version, pack_dir, pack_digest, status, created, header, kind, parent_id, depth, policy)
                VALUES ($id, $tenant, $name, $version, $dir, $digest, $status, $created, $header, $kind, $parent, $depth, $policy)
                ON CONFLICT (id) DO NOTHING;
                """;
            command.Parameters.AddWithValue("$id", session.Id);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$name", session.PackName);
            command.Parameters.AddWithValue("$version", session.PackVersion);
            command.Parameters.AddWithValue("$dir", session.PackDirectory);
            command.Parameters.AddWithValue("$digest", session.PackDigest);
            command.Parameters.AddWithValue("$status", StoredSession.Open);
            command.Parameters.AddWithValue("$created", Text(session.Created));
            command.Parameters.Add("$header", SqliteType.Blob).Value = session.Header.ToArray();
            command.Parameters.AddWithValue("$kind", session.Kind);
            command.Parameters.AddWithValue("$parent", (object?)session.ParentId ?? DBNull.Value);
            command.Parameters.AddWithValue("$depth", session.Depth);
            command.Parameters.AddWithValue("$policy", (object?)session.Policy ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public async Task<bool> AppendEventAsync(string tenant, string sessionId, long seq, ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO events (session_id, seq, tenant, line)
                    SELECT $id, $seq, $tenant, $line
                    WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $id AND tenant = $tenant AND status = $open)
                    ON CONFLICT (session_id, seq) DO NOTHING;
                    """;
                insert.Parameters.AddWithValue("$id", sessionId);
                insert.Parameters.AddWithValue("$seq", seq);
                insert.Parameters.AddWithValue("$tenant", tenant);
                insert.Parameters.AddWithValue("$open", StoredSession.Open);
                insert.Parameters.Add("$line", SqliteType.Blob).Value = line.ToArray();
                if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    return false;
                }

                using var count = connection.CreateCommand();
                count.Transaction = transaction;
                count.CommandText = "UPDATE sessions SET events = events + 1 WHERE id = $id AND tenant = $tenant;";
                count.Parameters.AddWithValue("$id", sessionId);
                count.Parameters.AddWithValue("$tenant", tenant);
                await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    public async Task<IReadOnlyList<bool>> AppendEventsAsync(IReadOnlyList<EventAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);
        var results = new bool[appends.Count];
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var open = connection.CreateCommand();
                open.Transaction = transaction;
                open.CommandText = "SELECT events FROM sessions WHERE id = $id AND tenant = $tenant AND status = $open;";
                var openId = open.Parameters.Add("$id", SqliteType.Text);
                var openTenant = open.Parameters.Add("$tenant", SqliteType.Text);
                open.Parameters.AddWithValue("$open", StoredSession.Open);
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO events (session_id, seq, tenant, line) VALUES ($id, $seq, $tenant, $line);";
                var insertId = insert.Parameters.Add("$id", SqliteType.Text);
                var insertSeq = insert.Parameters.Add("$seq", SqliteType.Integer);
                var insertTenant = insert.Parameters.Add("$tenant", SqliteType.Text);
                var insertLine = insert.Parameters.Add("$line", SqliteType.Blob);
                using var answer = connection.CreateCommand();
                answer.Transaction = transaction;
                answer.CommandText = "INSERT INTO answers (session_id, key, tenant, body, answer) VALUES ($id, $key, $tenant, $body, $answer) ON CONFLICT DO NOTHING;";
                var answerId = answer.Parameters.Add("$id", SqliteType.Text);
                var answerKey = answer.Parameters.Add("$key", SqliteType.Text);
                var answerTenant = answer.Parameters.Add("$tenant", SqliteType.Text);
                var answerBody = answer.Parameters.Add("$body", SqliteType.Text);
                var answerBytes = answer.Parameters.Add("$answer", SqliteType.Blob);
                using var count = connection.CreateCommand();
                count.Transaction = transaction;
                count.CommandText = "UPDATE sessions SET events = events + $n WHERE id = $id AND tenant = $tenant;";
                var countN = count.Parameters.Add("$n", SqliteType.Integer);
                var countId = count.Parameters.Add("$id", SqliteType.Text);
                var countTenant = count.Parameters.Add("$tenant", SqliteType.Text);
                for (var i = 0; i < appends.Count; i++)
                {
                    var append = appends[i];
                    openId.Value = append.SessionId;
                    openTenant.Value = append.Tenant;

                    // Sequence numbers are dense: the session's event count is the next one it may take.
                    if (await open.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long stored || stored != append.FirstSeq)
                    {
                        continue;
                    }

                    insertId.Value = append.SessionId;
                    insertTenant.Value = append.Tenant;
                    for (var j = 0; j < append.Lines.Count; j++)
                    {
                        insertSeq.Value = append.FirstSeq + j;
                        insertLine.Value = append.Lines[j];
                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (append.Answer is { } kept)
                    {
                        answerId.Value = append.SessionId;
                        answerKey.Value = kept.Key;
                        answerTenant.Value = append.Tenant;
                        answerBody.Value = kept.BodyDigest;
                        answerBytes.Value = kept.Answer;
                        await answer.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    countN.Value = append.Lines.Count;
                    countId.Value = append.SessionId;
                    countTenant.Value = append.Tenant;
                    await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    results[i] = true;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return results;
    }

    public async Task<IReadOnlyList<StoredAnswer>> ReadAnswersAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {StoredRows.AnswerColumns} FROM answers WHERE session_id = $id AND tenant = $tenant;";
            command.Parameters.AddWithValue("$id", sessionId);
            command.Parameters.AddWithValue("$tenant", tenant);
            return await StoredRows.AnswersAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<StoredEvent>?> ReadEventsAsync(string tenant, string sessionId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (!await ExistsAsync(connection, tenant, sessionId, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT seq, line FROM events WHERE session_id = $id AND tenant = $tenant AND seq > $after ORDER BY seq LIMIT $limit;";
            command.Parameters.AddWithValue("$id", sessionId);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$limit", limit);
            var events = new List<StoredEvent>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    events.Add(new StoredEvent(reader.GetInt64(0), (byte[])reader.GetValue(1)));
                }
            }

            return events;
        }
    }

    public async Task<byte[]?> ReadTranscriptAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One read transaction, so a line committed between the two queries cannot tear the header/events/seal view.
            var transaction = connection.BeginTransaction(deferred: true);
            await using (transaction.ConfigureAwait(false))
            {
                using var session = connection.CreateCommand();
                session.Transaction = transaction;
                session.CommandText = "SELECT header, seal FROM sessions WHERE id = $id AND tenant = $tenant;";
                session.Parameters.AddWithValue("$id", sessionId);
                session.Parameters.AddWithValue("$tenant", tenant);
                byte[] header;
                byte[]? seal;
                var row = await session.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (row.ConfigureAwait(false))
                {
                    if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return null;
                    }

                    header = (byte[])row.GetValue(0);
                    seal = row.IsDBNull(1) ? null : (byte[])row.GetValue(1);
                }

                using var bytes = new MemoryStream();
                bytes.Write(header);
                using var events = connection.CreateCommand();
                events.Transaction = transaction;
                events.CommandText = "SELECT line FROM events WHERE session_id = $id AND tenant = $tenant ORDER BY seq;";
                events.Parameters.AddWithValue("$id", sessionId);
                events.Parameters.AddWithValue("$tenant", tenant);
                var reader = await events.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        bytes.Write((byte[])reader.GetValue(0));
                    }
                }

                if (seal is not null)
                {
                    bytes.Write(seal);
                }

                return bytes.ToArray();
            }
        }
    }

    public async Task<bool> CloseSessionAsync(string tenant, string sessionId, SessionClosing closing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(closing);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE sessions SET status = $status, fingerprint = $fingerprint, seal = $seal, closed = $closed
                WHERE id = $id AND tenant = $tenant AND status = $open;
                """;
            command.Parameters.AddWithValue("$status", closing.Status);
            command.Parameters.AddWithValue("$fingerprint", closing.Fingerprint);
            command.Parameters.Add("$seal", SqliteType.Blob).Value = closing.Seal.ToArray();
            command.Parameters.AddWithValue("$closed", Text(closing.Closed));
            command.Parameters.AddWithValue("$id", sessionId);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$open", StoredSession.Open);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public async Task<StoredSession?> GetSessionAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {StoredRows.SessionColumns} FROM sessions WHERE id = $id AND tenant = $tenant;";
            command.Parameters.AddWithValue("$id", sessionId);
            command.Parameters.AddWithValue("$tenant", tenant);
            var sessions = await StoredRows.SessionsAsync(command, Time, cancellationToken).ConfigureAwait(false);
            return sessions.Count == 0 ? null : sessions[0];
        }
    }

    public async Task<IReadOnlyList<StoredSession>> ListSessionsAsync(string tenant, string? afterId, int limit, CancellationToken cancellationToken, SessionFilter? filter = null)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {StoredRows.SessionColumns} FROM sessions
                WHERE tenant = $tenant AND id > $after AND ($kind IS NULL OR kind = $kind) AND ($status IS NULL OR status = $status) AND ($pack IS NULL OR pack_name = $pack)
                ORDER BY id LIMIT $limit;
                """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$after", afterId ?? string.Empty);
            command.Parameters.AddWithValue("$limit", limit);
            command.Parameters.AddWithValue("$kind", (object?)filter?.Kind ?? DBNull.Value);
            command.Parameters.AddWithValue("$status", (object?)filter?.Status ?? DBNull.Value);
            command.Parameters.AddWithValue("$pack", (object?)filter?.PackName ?? DBNull.Value);
            return await StoredRows.SessionsAsync(command, Time, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        // Pooled connections keep the file (and its -wal) open; release them so the database can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private static string Text(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static async Task<bool> ExistsAsync(SqliteConnection connection, string tenant, string sessionId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sessions WHERE id = $id AND tenant = $tenant;";
        command.Parameters.AddWithValue("$id", sessionId);
        command.Parameters.AddWithValue("$tenant", tenant);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    // Times are stored as ISO 8601 text (round-trip format).
    private static DateTimeOffset Time(System.Data.Common.DbDataReader reader, int ordinal) => DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture);

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragmas = connection.CreateCommand();

            // NORMAL in WAL mode: a committed transaction survives the process being killed (not a power cut).
            pragmas.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
