namespace Reach.Storage.Postgres;

/// <summary>The runner's API tokens in the <c>tokens</c> table: the hash of each secret, never the secret.</summary>
internal sealed partial class PostgresRunnerStore
{
    public async Task<bool> CreateTokenAsync(StoredToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var command = _dataSource.CreateCommand("INSERT INTO tokens (id, tenant, name, hash, created) VALUES (@id, @tenant, @name, @hash, @created) ON CONFLICT DO NOTHING;");
        command.Parameters.AddWithValue("id", token.Id);
        command.Parameters.AddWithValue("tenant", token.Tenant);
        command.Parameters.AddWithValue("name", token.Name);
        command.Parameters.AddWithValue("hash", token.Hash);
        command.Parameters.AddWithValue("created", token.Created.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<StoredToken>> ListTokensAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {StoredRows.TokenColumns} FROM tokens ORDER BY tenant COLLATE \"C\", name COLLATE \"C\", id COLLATE \"C\";");
        return await StoredRows.TokensAsync(command, Time, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredToken?> FindTokenAsync(string hash, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {StoredRows.TokenColumns} FROM tokens WHERE hash = @hash;");
        command.Parameters.AddWithValue("hash", hash);
        var tokens = await StoredRows.TokensAsync(command, Time, cancellationToken).ConfigureAwait(false);
        return tokens.Count == 0 ? null : tokens[0];
    }

    public async Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("UPDATE tokens SET revoked = @at WHERE id = @id AND revoked IS NULL;");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
