namespace Reach.Storage.Postgres;

/// <summary>
/// The schema, as ordered migrations: migration <c>n</c> (1-based) takes the database from version <c>n - 1</c> to
/// <c>n</c>, and <c>schema_version</c> records each one applied. Append only; never edit a migration that has shipped.
/// Tables are created in the connection's search path (its first schema), so one server can hold several stores.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>The advisory lock every migration transaction takes first, so runners migrating at once take turns.</summary>
    public const long LockKey = 0x5245_4143_4801; // "REACH" + 1

    public static readonly string[] All =
    [
        """
        CREATE TABLE sessions (
            id TEXT NOT NULL PRIMARY KEY,
            tenant TEXT NOT NULL,
            pack_name TEXT NOT NULL,
            pack_version TEXT NOT NULL,
            pack_dir TEXT NOT NULL,
            pack_digest TEXT NOT NULL,
            status TEXT NOT NULL,
            created TIMESTAMPTZ NOT NULL,
            closed TIMESTAMPTZ,
            fingerprint TEXT,
            events BIGINT NOT NULL DEFAULT 0,
            header BYTEA NOT NULL,
            seal BYTEA
        );
        CREATE INDEX sessions_by_tenant ON sessions (tenant, id);
        CREATE TABLE events (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            seq BIGINT NOT NULL,
            tenant TEXT NOT NULL,
            line BYTEA NOT NULL,
            PRIMARY KEY (session_id, seq)
        );
        """,
        """
        ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'session';
        ALTER TABLE sessions ADD COLUMN parent_id TEXT;
        ALTER TABLE sessions ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN policy TEXT;
        CREATE INDEX sessions_by_kind ON sessions (tenant, kind, id);
        CREATE TABLE tokens (
            id TEXT NOT NULL PRIMARY KEY,
            tenant TEXT NOT NULL,
            name TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created TIMESTAMPTZ NOT NULL,
            revoked TIMESTAMPTZ
        );
        """,
        """
        CREATE TABLE answers (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            key TEXT NOT NULL,
            tenant TEXT NOT NULL,
            body TEXT NOT NULL,
            answer BYTEA NOT NULL,
            PRIMARY KEY (session_id, key)
        );
        """,
    ];

    /// <summary>Applies the migrations the database has not seen yet, each in its own transaction holding the advisory lock; returns the version reached.</summary>
    public static async Task<int> ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        for (var version = 1; version <= All.Length; version++)
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // The lock is held until commit or rollback: a second runner waits here, then sees the first's row.
                // schema_version itself is created under the lock, since concurrent CREATE TABLE IF NOT EXISTS can collide.
                await using (var prepare = new NpgsqlCommand(
                    """
                    SELECT pg_advisory_xact_lock(@key);
                    CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied TIMESTAMPTZ NOT NULL);
                    """,
                    connection,
                    transaction))
                {
                    prepare.Parameters.AddWithValue("key", LockKey);
                    await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var check = new NpgsqlCommand("SELECT COUNT(*) FROM schema_version WHERE version = @v;", connection, transaction))
                {
                    check.Parameters.AddWithValue("v", version);
                    if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
                    {
                        continue;
                    }
                }

                await using (var migrate = new NpgsqlCommand(All[version - 1], connection, transaction))
                {
                    await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version, applied) VALUES (@v, now());", connection, transaction))
                {
                    record.Parameters.AddWithValue("v", version);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return All.Length;
    }

    /// <summary>The highest version recorded in <c>schema_version</c> (0 when there is none).</summary>
    public static async Task<int> CurrentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL;", connection);
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        await using var max = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version;", connection);
        return (int)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
