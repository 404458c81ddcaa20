using Npgsql;
using Reach.Storage.Postgres;

namespace Reach.Storage.Tests;

/// <summary>What <c>--database</c> and <c>REACH_DATABASE_URL</c> accept: postgres URLs and Npgsql keyword strings (no server needed).</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void A_postgres_url_becomes_an_npgsql_connection_string()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize("postgres://reach:p%40ss%3Aword@db.example:6543/runs?sslmode=require"));

        Assert.Equal(("db.example", 6543, "reach", "p@ss:word", "runs", SslMode.Require), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database, builder.SslMode));
    }

    [Fact]
    public void A_postgresql_url_without_port_or_password_keeps_the_defaults()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize("postgresql://reach@localhost/runs"));

        Assert.Equal(("localhost", 5432, "reach", null, "runs"), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
    }

    [Fact]
    public void A_keyword_string_is_taken_as_it_is()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize("Host=127.0.0.1;Port=5433;Username=u;Password=p;Database=d"));

        Assert.Equal(("127.0.0.1", 5433, "u", "p", "d"), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
    }

    [Theory]
    [InlineData("postgres://u:p@host/db", true)]
    [InlineData("Host=localhost;Database=reach", true)]
    [InlineData("/var/lib/reach/reach.db", false)]
    [InlineData("reach.db", false)]
    public void Postgres_values_are_told_from_sqlite_paths(string value, bool postgres) =>
        Assert.Equal(postgres, PostgresConnectionString.IsPostgres(value));

    [Theory]
    [InlineData("postgres://")]
    [InlineData("postgres://u@h/db?nonsense_key=1")]
    [InlineData("Host=h;Nonsense Key=1")]
    public void A_malformed_value_is_a_format_error(string value) =>
        Assert.Throws<FormatException>(() => PostgresConnectionString.Normalize(value));
}
