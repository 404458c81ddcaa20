using NpgsqlTypes;
using Reach.Core.Errors;

namespace Reach.Storage.Postgres;

/// <summary>
/// The runner's store in a PostgreSQL database (<c>reach serve --database</c> or <c>REACH_DATABASE_URL</c>), its
/// tables in the connection's search path. A connection per operation, from Npgsql's pool; lines are <c>bytea</c>.
/// </summary>
internal sealed partial class PostgresRunnerStore : IRunnerStore
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresRunnerStore(string connectionString)
    {
        ConnectionString = connectionString;
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    // The catalogue's fix for REACH-4008 is store-neutral; this one names what a PostgreSQL operator checks.
    private const string PostgresFix = "Check the PostgreSQL connection string (--database or REACH_DATABASE_URL), that the server is reachable and that the user may create tables; /readyz reports it.";

    /// <summary>The Npgsql connection string in use.</summary>
    public string ConnectionString { get; }

    /// <summary>Connects (a URL or a keyword string, see <see cref="PostgresConnectionString"/>) and applies the pending migrations.</summary>
    public static async Task<PostgresRunnerStore> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        string normalized;
        try
        {
            normalized = PostgresConnectionString.Normalize(connectionString);
        }
        catch (FormatException ex)
        {
            throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The database connection string cannot be used: {ex.Message}")
            {
                Fix = PostgresFix,
            };
        }

        var store = new PostgresRunnerStore(normalized);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, $"The PostgreSQL database {store.Describe()} cannot be opened: {ex.Message}")
            {
                Fix = PostgresFix,
            };
        }

        return store;
    }

    /// <summary>The schema version the database is at.</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await PostgresMigrations.CurrentAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies the migrations again (a no-op once applied).</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await PostgresMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SchemaVersionAsync(cancellationToken).ConfigureAwait(false) == PostgresMigrations.All.Length;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    public async Task<bool> CreateSessionAsync(string tenant, NewSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO sessions (id, tenant, pack_name, pack_version, pack_dir, pack_digest, status, created, header, kind, parent_id, depth, policy)
            VALUES (@id, @tenant, @name, @version, @dir, @digest, @status, @created, @header, @kind, @parent, @depth, @policy)
            ON CONFLICT (id) DO NOTHING;
            """);
        command.Parameters.AddWithValue("id", session.Id);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("name", session.PackName);
        command.Parameters.AddWithValue("version", session.PackVersion);
        command.Parameters.AddWithValue("dir", session.PackDirectory);
        command.Parameters.AddWithValue("digest", session.PackDigest);
        command.Parameters.AddWithValue("status", StoredSession.Open);
        command.Parameters.AddWithValue("created", session.Created.ToUniversalTime());
        command.Parameters.Add("header", NpgsqlDbType.Bytea).Value = session.Header.ToArray();
        command.Parameters.AddWithValue("kind", session.Kind);
        command.Parameters.Add("parent", NpgsqlDbType.Text).Value = (object?)session.ParentId ?? DBNull.Value;
        command.Parameters.AddWithValue("depth", session.Depth);
        command.Parameters.Add("policy", NpgsqlDbType.Text).Value = (object?)session.Policy ?? DBNull.Value;
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> AppendEventAsync(string tenant, string sessionId, long seq, ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        // One statement, so one implicit transaction: the row and the count commit together or not at all. The
        // session row is locked (FOR UPDATE) so a close cannot slip between the check and the insert.
        await using var command = _dataSource.CreateCommand("""
            WITH open_session AS (
                SELECT id FROM sessions WHERE id = @id AND tenant = @tenant AND status = @open FOR UPDATE
            ), inserted AS (
                INSERT INTO events (session_id, seq, tenant, line)
                SELECT id, @seq, @tenant, @line FROM open_session
                ON CONFLICT (session_id, seq) DO NOTHING
                RETURNING session_id
            )
            UPDATE sessions SET events = events + 1
            WHERE id IN (SELECT session_id FROM inserted) AND tenant = @tenant;
            """);
        command.Parameters.AddWithValue("id", sessionId);
        command.Parameters.AddWithValue("seq", seq);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("open", StoredSession.Open);
        command.Parameters.Add("line", NpgsqlDbType.Bytea).Value = line.ToArray();
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<StoredEvent>?> ReadEventsAsync(string tenant, string sessionId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (!await ExistsAsync(connection, tenant, sessionId, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            await using var command = new NpgsqlCommand("SELECT seq, line FROM events WHERE session_id = @id AND tenant = @tenant AND seq > @after ORDER BY seq LIMIT @limit;", connection);
            command.Parameters.AddWithValue("id", sessionId);
            command.Parameters.AddWithValue("tenant", tenant);
            command.Parameters.AddWithValue("after", afterSeq);
            command.Parameters.AddWithValue("limit", (long)limit);
            var events = new List<StoredEvent>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    events.Add(new StoredEvent(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
                }
            }

            return events;
        }
    }

    public async Task<byte[]?> ReadTranscriptAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One repeatable-read snapshot, so a line committed between the two queries cannot tear the header/events/seal view.
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                byte[] header;
                byte[]? seal;
                await using (var session = new NpgsqlCommand("SELECT header, seal FROM sessions WHERE id = @id AND tenant = @tenant;", connection, transaction))
                {
                    session.Parameters.AddWithValue("id", sessionId);
                    session.Parameters.AddWithValue("tenant", tenant);
                    var row = await session.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (row.ConfigureAwait(false))
                    {
                        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            return null;
                        }

                        header = row.GetFieldValue<byte[]>(0);
                        seal = row.IsDBNull(1) ? null : row.GetFieldValue<byte[]>(1);
                    }
                }

                using var bytes = new MemoryStream();
                bytes.Write(header);
                await using (var events = new NpgsqlCommand("SELECT line FROM events WHERE session_id = @id AND tenant = @tenant ORDER BY seq;", connection, transaction))
                {
                    events.Parameters.AddWithValue("id", sessionId);
                    events.Parameters.AddWithValue("tenant", tenant);
                    var reader = await events.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            bytes.Write(reader.GetFieldValue<byte[]>(0));
                        }
                    }
                }

                if (seal is not null)
                {
                    bytes.Write(seal);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return bytes.ToArray();
            }
        }
    }

    public async Task<bool> CloseSessionAsync(string tenant, string sessionId, SessionClosing closing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(closing);
        await using var command = _dataSource.CreateCommand("""
            UPDATE sessions SET status = @status, fingerprint = @fingerprint, seal = @seal, closed = @closed
            WHERE id = @id AND tenant = @tenant AND status = @open;
            """);
        command.Parameters.AddWithValue("status", closing.Status);
        command.Parameters.AddWithValue("fingerprint", closing.Fingerprint);
        command.Parameters.Add("seal", NpgsqlDbType.Bytea).Value = closing.Seal.ToArray();
        command.Parameters.AddWithValue("closed", closing.Closed.ToUniversalTime());
        command.Parameters.AddWithValue("id", sessionId);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("open", StoredSession.Open);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<bool>> AppendEventsAsync(IReadOnlyList<EventAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);
        var results = new bool[appends.Count];
        if (appends.Count == 0)
        {
            return results;
        }

        // One round trip for the whole group: a batch runs in one implicit transaction. Each statement locks its open
        // session row, checks that the session's event count is the first sequence number (dense numbering), inserts
        // the lines and counts them; it touches one row when it applied and none when it did not.
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                foreach (var append in appends)
                {
                    var seqs = new long[append.Lines.Count];
                    for (var j = 0; j < seqs.Length; j++)
                    {
                        seqs[j] = append.FirstSeq + j;
                    }

                    var command = new NpgsqlBatchCommand(
                        """
                        WITH open_session AS (
                            SELECT id FROM sessions WHERE id = $1 AND tenant = $2 AND status = $3 AND events = $4 FOR UPDATE
                        ), inserted AS (
                            INSERT INTO events (session_id, seq, tenant, line)
                            SELECT o.id, t.s, $2, t.l FROM open_session o, unnest($5::bigint[], $6::bytea[]) AS t(s, l)
                            RETURNING 1
                        ), answered AS (
                            INSERT INTO answers (session_id, key, tenant, body, answer)
                            SELECT o.id, $7, $2, $8, $9 FROM open_session o WHERE $7::text IS NOT NULL
                            ON CONFLICT DO NOTHING
                        )
                        UPDATE sessions SET events = events + (SELECT count(*) FROM inserted)
                        WHERE id IN (SELECT id FROM open_session) AND tenant = $2;
                        """);
                    command.Parameters.Add(new NpgsqlParameter { Value = append.SessionId });
                    command.Parameters.Add(new NpgsqlParameter { Value = append.Tenant });
                    command.Parameters.Add(new NpgsqlParameter { Value = StoredSession.Open });
                    command.Parameters.Add(new NpgsqlParameter { Value = append.FirstSeq });
                    command.Parameters.Add(new NpgsqlParameter { Value = seqs });
                    command.Parameters.Add(new NpgsqlParameter { Value = append.Lines.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                    command.Parameters.Add(new NpgsqlParameter { Value = (object?)append.Answer?.Key ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    command.Parameters.Add(new NpgsqlParameter { Value = (object?)append.Answer?.BodyDigest ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    command.Parameters.Add(new NpgsqlParameter { Value = (object?)append.Answer?.Answer ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < appends.Count; i++)
                {
                    results[i] = batch.BatchCommands[i].RecordsAffected == 1;
                }
            }
        }

        return results;
    }

    public async Task<IReadOnlyList<StoredAnswer>> ReadAnswersAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {StoredRows.AnswerColumns} FROM answers WHERE session_id = @id AND tenant = @tenant;");
        command.Parameters.AddWithValue("id", sessionId);
        command.Parameters.AddWithValue("tenant", tenant);
        return await StoredRows.AnswersAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredSession?> GetSessionAsync(string tenant, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {StoredRows.SessionColumns} FROM sessions WHERE id = @id AND tenant = @tenant;");
        command.Parameters.AddWithValue("id", sessionId);
        command.Parameters.AddWithValue("tenant", tenant);
        var sessions = await StoredRows.SessionsAsync(command, Time, cancellationToken).ConfigureAwait(false);
        return sessions.Count == 0 ? null : sessions[0];
    }

    public async Task<IReadOnlyList<StoredSession>> ListSessionsAsync(string tenant, string? afterId, int limit, CancellationToken cancellationToken, SessionFilter? filter = null)
    {
        // COLLATE "C": ids compare byte by byte, as in SQLite, whatever the database's collation.
        await using var command = _dataSource.CreateCommand($"""
            SELECT {StoredRows.SessionColumns} FROM sessions
            WHERE tenant = @tenant AND id COLLATE "C" > @after
              AND (@kind::text IS NULL OR kind = @kind) AND (@status::text IS NULL OR status = @status) AND (@pack::text IS NULL OR pack_name = @pack)
            ORDER BY id COLLATE "C" LIMIT @limit;
            """);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("after", afterId ?? string.Empty);
        command.Parameters.AddWithValue("limit", (long)limit);
        command.Parameters.Add("kind", NpgsqlDbType.Text).Value = (object?)filter?.Kind ?? DBNull.Value;
        command.Parameters.Add("status", NpgsqlDbType.Text).Value = (object?)filter?.Status ?? DBNull.Value;
        command.Parameters.Add("pack", NpgsqlDbType.Text).Value = (object?)filter?.PackName ?? DBNull.Value;
        return await StoredRows.SessionsAsync(command, Time, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string tenant, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM sessions WHERE id = @id AND tenant = @tenant;", connection);
        command.Parameters.AddWithValue("id", sessionId);
        command.Parameters.AddWithValue("tenant", tenant);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static DateTimeOffset Time(System.Data.Common.DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <summary>Host, port and database, without the password, for error messages.</summary>
    private string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"'{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
    }
}
