using Microsoft.Data.Sqlite;
using Reach.Storage.Sqlite;

namespace Reach.Storage.Tests;

/// <summary>The conformance suite on SQLite, one temporary database file per test; plus what only SQLite has.</summary>
public sealed class SqliteStoreTests : StoreConformanceTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reach-store-").FullName;

    private SqliteRunnerStore Sqlite => (SqliteRunnerStore)Store;

    [Fact]
    public async Task The_database_is_in_wal_mode_at_the_latest_schema_version()
    {
        await using var connection = new SqliteConnection($"Data Source={Sqlite.Path}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        Assert.Equal(SqliteMigrations.All.Length, await Sqlite.SchemaVersionAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Migrating_an_up_to_date_database_records_each_version_once()
    {
        await Sqlite.MigrateAsync(TestContext.Current.CancellationToken);
        await Sqlite.MigrateAsync(TestContext.Current.CancellationToken);

        await using var connection = new SqliteConnection($"Data Source={Sqlite.Path}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_version;";
        Assert.Equal((long)SqliteMigrations.All.Length, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Stores_opening_a_new_database_at_once_apply_each_migration_once()
    {
        var path = Path.Combine(_directory, "shared.db");

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteRunnerStore.OpenAsync(path, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)));

        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_version;";
        Assert.Equal((long)SqliteMigrations.All.Length, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        foreach (var store in stores)
        {
            Assert.True(await store.PingAsync(TestContext.Current.CancellationToken));
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_default_database_is_reach_db_in_REACH_HOME()
    {
        await using var store = await SqliteRunnerStore.OpenAsync(SqliteRunnerStore.DefaultPath(_directory), TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_directory, "reach.db"), store.Path);
        Assert.True(File.Exists(store.Path));
    }

    private protected override async Task<IRunnerStore> OpenFreshAsync() =>
        await SqliteRunnerStore.OpenAsync(Path.Combine(_directory, "test.db"), TestContext.Current.CancellationToken);

    private protected override async Task<IRunnerStore> ReopenAsync(IRunnerStore store) =>
        await SqliteRunnerStore.OpenAsync(((SqliteRunnerStore)store).Path, TestContext.Current.CancellationToken);

    private protected override Task CleanUpAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }

        return Task.CompletedTask;
    }
}
