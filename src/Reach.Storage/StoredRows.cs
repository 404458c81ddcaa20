using System.Data.Common;

namespace Reach.Storage;

/// <summary>
/// Reading the stores' rows, once for every database: the column lists both schemas share and the readers that turn
/// rows into <see cref="StoredSession"/>, <see cref="StoredToken"/> and <see cref="StoredAnswer"/>. Each store passes
/// how it reads a time (SQLite keeps ISO 8601 text, PostgreSQL <c>timestamptz</c>).
/// </summary>
internal static class StoredRows
{
    /// <summary>The columns <see cref="SessionsAsync"/> reads, in order.</summary>
    public const string SessionColumns = "id, tenant, pack_name, pack_version, pack_dir, pack_digest, status, created, closed, fingerprint, events, kind, parent_id, depth, policy";

    /// <summary>The columns <see cref="TokensAsync"/> reads, in order.</summary>
    public const string TokenColumns = "id, tenant, name, hash, created, revoked";

    /// <summary>The columns <see cref="AnswersAsync"/> reads, in order.</summary>
    public const string AnswerColumns = "key, body, answer";

    /// <summary>Runs <paramref name="command"/> (selecting <see cref="SessionColumns"/>) and reads every row.</summary>
    public static Task<List<StoredSession>> SessionsAsync(DbCommand command, Func<DbDataReader, int, DateTimeOffset> time, CancellationToken cancellationToken) =>
        ReadAsync(command, reader => new StoredSession(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetString(5),
            reader.GetString(6),
            time(reader, 7),
            reader.IsDBNull(8) ? null : time(reader, 8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.GetInt64(10))
        {
            Kind = reader.GetString(11),
            ParentId = reader.IsDBNull(12) ? null : reader.GetString(12),
            Depth = reader.GetInt32(13),
            Policy = reader.IsDBNull(14) ? null : reader.GetString(14),
        }, cancellationToken);

    /// <summary>Runs <paramref name="command"/> (selecting <see cref="TokenColumns"/>) and reads every row.</summary>
    public static Task<List<StoredToken>> TokensAsync(DbCommand command, Func<DbDataReader, int, DateTimeOffset> time, CancellationToken cancellationToken) =>
        ReadAsync(command, reader => new StoredToken(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            time(reader, 4),
            reader.IsDBNull(5) ? null : time(reader, 5)), cancellationToken);

    /// <summary>Runs <paramref name="command"/> (selecting <see cref="AnswerColumns"/>) and reads every row.</summary>
    public static Task<List<StoredAnswer>> AnswersAsync(DbCommand command, CancellationToken cancellationToken) =>
        ReadAsync(command, reader => new StoredAnswer(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2)), cancellationToken);

    private static async Task<List<T>> ReadAsync<T>(DbCommand command, Func<DbDataReader, T> row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var rows = new List<T>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row(reader));
            }
        }

        return rows;
    }
}
