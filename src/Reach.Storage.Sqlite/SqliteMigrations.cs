namespace Reach.Storage.Sqlite;

/// <summary>
/// The schema, as ordered migrations: migration <c>n</c> (1-based) takes the database from version <c>n - 1</c> to
/// <c>n</c>, and <c>schema_version</c> records each one applied. Append only; never edit a migration that has shipped.
/// </summary>
internal static class SqliteMigrations
{
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
            created TEXT NOT NULL,
            closed TEXT,
            fingerprint TEXT,
            events INTEGER NOT NULL DEFAULT 0,
            header BLOB NOT NULL,
            seal BLOB
        );
        CREATE INDEX sessions_by_tenant ON sessions (tenant, id);
        CREATE TABLE events (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            seq INTEGER NOT NULL,
            tenant TEXT NOT NULL,
            line BLOB NOT NULL,
            PRIMARY KEY (session_id, seq)
        ) WITHOUT ROWID;
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
            created TEXT NOT NULL,
            revoked TEXT
        );
        """,
        """
        CREATE TABLE answers (
            session_id TEXT NOT NULL REFERENCES sessions (id),
            key TEXT NOT NULL,
            tenant TEXT NOT NULL,
            body TEXT NOT NULL,
            answer BLOB NOT NULL,
            PRIMARY KEY (session_id, key)
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>Applies the migrations the database has not seen yet, each in its own immediate transaction; returns the version reached.</summary>
    public static async Task<int> ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied TEXT NOT NULL);";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var version = 1; version <= All.Length; version++)
        {
            // BEGIN IMMEDIATE: two processes migrating at once serialize here, and the second sees the first's row.
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var check = connection.CreateCommand();
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*) FROM schema_version WHERE version = $v;";
                check.Parameters.AddWithValue("$v", version);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    continue;
                }

                using var migrate = connection.CreateCommand();
                migrate.Transaction = transaction;
                migrate.CommandText = All[version - 1] + "\nINSERT INTO schema_version (version, applied) VALUES ($v, $at);";
                migrate.Parameters.AddWithValue("$v", version);
                migrate.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return All.Length;
    }

    /// <summary>The highest version recorded in <c>schema_version</c> (0 for an empty database).</summary>
    public static async Task<int> CurrentAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
