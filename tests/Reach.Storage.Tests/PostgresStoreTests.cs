using Npgsql;
using Reach.Storage.Postgres;

namespace Reach.Storage.Tests;

/// <summary>
/// The conformance suite on PostgreSQL, one fresh schema per test (<c>CREATE SCHEMA t_…</c>, reached through the
/// connection's search path, dropped after) on the server named by <c>REACH_TEST_POSTGRES</c>; plus what only
/// PostgreSQL has. Without that variable every test fails: <c>.ci/run</c> (and <c>./run-tests</c>, through
/// <c>.ci/postgres</c>) start a throwaway server and set it.
/// </summary>
public sealed class PostgresStoreTests : StoreConformanceTests
{
    private const string Variable = "REACH_TEST_POSTGRES";
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
    private string? _admin;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresRunnerStore Postgres => (PostgresRunnerStore)Store;

    private string SchemaConnectionString => new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema }.ConnectionString;

    [Fact]
    public async Task Lines_are_bytea_and_the_schema_is_at_the_latest_version()
    {
        await using var connection = await ConnectAsync();
        await using var command = new NpgsqlCommand("SELECT data_type FROM information_schema.columns WHERE table_schema = @s AND table_name = 'events' AND column_name = 'line';", connection);
        command.Parameters.AddWithValue("s", _schema);

        Assert.Equal("bytea", await command.ExecuteScalarAsync(Ct));
        Assert.Equal(PostgresMigrations.All.Length, await Postgres.SchemaVersionAsync(Ct));
    }

    [Fact]
    public async Task Migrating_an_up_to_date_database_records_each_version_once()
    {
        await Postgres.MigrateAsync(Ct);
        await Postgres.MigrateAsync(Ct);

        Assert.Equal((long)PostgresMigrations.All.Length, await CountSchemaVersionsAsync());
    }

    [Fact]
    public async Task Stores_migrating_a_new_schema_at_once_apply_each_migration_once()
    {
        var schema = _schema + "_shared";
        await using (var connection = await ConnectAsync())
        {
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema};", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(_admin) { SearchPath = schema }.ConnectionString;
            var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresRunnerStore.OpenAsync(connectionString, Ct), Ct)));

            Assert.Equal((long)PostgresMigrations.All.Length, await CountSchemaVersionsAsync(schema));
            foreach (var store in stores)
            {
                Assert.True(await store.PingAsync(Ct));
                await store.DisposeAsync();
            }
        }
        finally
        {
            await DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task A_postgres_url_opens_the_same_database()
    {
        var builder = new NpgsqlConnectionStringBuilder(_admin);
        var url = $"postgres://{Uri.EscapeDataString(builder.Username!)}:{Uri.EscapeDataString(builder.Password ?? string.Empty)}@{builder.Host}:{builder.Port}/{Uri.EscapeDataString(builder.Database!)}?search_path={_schema}";
        await Store.CreateSessionAsync("acme", new NewSession("s1", "hello", "1.0.0", "/p", "sha256:00", DateTimeOffset.UnixEpoch, Header("s1")), Ct);

        await using var store = await PostgresRunnerStore.OpenAsync(url, Ct);

        Assert.Equal("acme", (await store.GetSessionAsync("acme", "s1", Ct))!.Tenant);
    }

    private protected override async Task<IRunnerStore> OpenFreshAsync()
    {
        _admin = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(_admin))
        {
            Assert.Fail($"{Variable} is not set: the PostgreSQL store tests need a server (an Npgsql connection string, e.g. Host=127.0.0.1;Port=5432;Username=reach;Password=…;Database=reach_test). .ci/run starts PostgreSQL for them, and ./run-tests starts a throwaway one through .ci/postgres when the server binaries are installed (apt-get install postgresql).");
        }

        await using (var connection = await ConnectAsync())
        {
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {_schema};", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        return await PostgresRunnerStore.OpenAsync(SchemaConnectionString, Ct);
    }

    private protected override async Task<IRunnerStore> ReopenAsync(IRunnerStore store) =>
        await PostgresRunnerStore.OpenAsync(((PostgresRunnerStore)store).ConnectionString, Ct);

    private protected override async Task CleanUpAsync()
    {
        if (!string.IsNullOrEmpty(_admin))
        {
            await DropSchemaAsync(_schema);
        }
    }

    private async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private async Task<long> CountSchemaVersionsAsync(string? schema = null)
    {
        await using var connection = await ConnectAsync();
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {schema ?? _schema}.schema_version;", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task DropSchemaAsync(string schema)
    {
        await using var connection = await ConnectAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
        await drop.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
