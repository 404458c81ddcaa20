using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Reach.Core.Errors;
using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary>Reach API tokens: required or optional, they fix the tenant; revocation, hashing at rest, and the bind rule.</summary>
public class TokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_without_a_token_is_401_when_tokens_are_required()
    {
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true });

        var list = await runner.GetAsync("/v1/sessions");
        var open = await runner.SendPostAsync("/v1/sessions", new { pack = "hello" });
        var version = await runner.GetAsync("/v1/version");

        list.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        open.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        version.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        Assert.Empty(await runner.Store.ListSessionsAsync(Tenants.Default, null, 10, Ct));

        // Health is for the orchestrator, outside /v1.
        (await runner.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Require_token_in_config_json_requires_tokens()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        await File.WriteAllTextAsync(Path.Combine(home, ReachConfig.FileName), """{"require_token":true}""", Ct);
        await using var runner = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, new Dictionary<string, string>()) });
        var (_, secret) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);

        (await runner.GetAsync("/v1/sessions")).ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        (await runner.GetAsync("/v1/sessions", token: secret)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_fixes_the_tenant_of_its_requests()
    {
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true });
        var (_, acme) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);
        var (_, globex) = await Tokens.CreateAsync(runner.Store, "globex", "ci", Now, Ct);

        var opened = (await runner.SendPostAsync("/v1/sessions", new { pack = "hello" }, token: acme)).Expect(HttpStatusCode.Created).Json;
        var id = opened.GetProperty("session_id").GetString()!;

        Assert.Equal("acme", opened.GetProperty("tenant").GetString());
        Assert.Equal("acme", (await runner.Store.GetSessionAsync("acme", id, Ct))!.Tenant);
        (await runner.GetAsync($"/v1/sessions/{id}", token: acme)).Expect(HttpStatusCode.OK);
        (await runner.GetAsync($"/v1/sessions/{id}", tenant: "acme", token: acme)).Expect(HttpStatusCode.OK);
        (await runner.GetAsync($"/v1/sessions/{id}", token: globex)).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo" }, token: globex)).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        Assert.Empty((await runner.GetAsync("/v1/sessions", token: globex)).Expect(HttpStatusCode.OK).Json.GetProperty("sessions").EnumerateArray());
        Assert.Single((await runner.GetAsync("/v1/sessions", token: acme)).Expect(HttpStatusCode.OK).Json.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task A_token_naming_another_tenant_in_X_Tenant_ID_is_403()
    {
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true });
        var (_, acme) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);

        var forbidden = await runner.SendPostAsync("/v1/sessions", new { pack = "hello" }, tenant: "globex", token: acme);

        forbidden.ExpectProblem(HttpStatusCode.Forbidden, "REACH-4015");
        Assert.Empty(await runner.Store.ListSessionsAsync("globex", null, 10, Ct));
        Assert.Empty(await runner.Store.ListSessionsAsync("acme", null, 10, Ct));
    }

    [Theory]
    [InlineData("Bearer reach_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("Bearer not-a-reach-token")]
    [InlineData("Bearer ")]
    [InlineData("Basic YWRhOnNlY3JldA==")]
    [InlineData("reach_0000")]
    public async Task A_malformed_or_unknown_token_is_401(string authorization)
    {
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true });
        await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);

        var refused = await runner.Client.SendAsync(HttpMethod.Get, "/v1/sessions", headers: new Dictionary<string, string> { ["Authorization"] = authorization });

        refused.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
    }

    [Fact]
    public async Task Without_required_tokens_a_token_still_fixes_the_tenant_and_an_unknown_one_is_refused()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var (_, acme) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);

        var opened = (await runner.SendPostAsync("/v1/sessions", new { pack = "hello" }, token: acme)).Expect(HttpStatusCode.Created).Json;
        var unknown = await runner.GetAsync("/v1/sessions", token: "reach_" + new string('1', 64));

        Assert.Equal("acme", opened.GetProperty("tenant").GetString());
        (await runner.GetAsync($"/v1/sessions/{opened.GetProperty("session_id").GetString()}")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        unknown.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        (await runner.GetAsync("/v1/sessions", tenant: "globex", token: acme)).ExpectProblem(HttpStatusCode.Forbidden, "REACH-4015");
    }

    [Fact]
    public async Task A_revoked_token_is_refused_once_the_lookup_cache_expires()
    {
        var clock = new FakeTimeProvider(Now);
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true, Clock = clock });
        var (token, secret) = await Tokens.CreateAsync(runner.Store, "acme", "ci", clock.GetUtcNow(), Ct);
        (await runner.GetAsync("/v1/sessions", token: secret)).Expect(HttpStatusCode.OK);

        Assert.True(await runner.Store.RevokeTokenAsync(token.Id, clock.GetUtcNow(), Ct));
        var cached = await runner.GetAsync("/v1/sessions", token: secret);
        clock.Advance(TimeSpan.FromSeconds(6));
        var refused = await runner.GetAsync("/v1/sessions", token: secret);

        // Within the 5 s cache the runner has not asked the store again; after it, the revocation holds.
        cached.Expect(HttpStatusCode.OK);
        refused.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
    }

    [Fact]
    public async Task A_token_revoked_before_its_first_use_is_refused_and_stays_refused()
    {
        var clock = new FakeTimeProvider(Now);
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true, Clock = clock });
        var (token, secret) = await Tokens.CreateAsync(runner.Store, "acme", "ci", clock.GetUtcNow(), Ct);
        Assert.True(await runner.Store.RevokeTokenAsync(token.Id, clock.GetUtcNow(), Ct));

        var refused = await runner.GetAsync("/v1/sessions", token: secret);
        clock.Advance(TimeSpan.FromSeconds(6));
        var still = await runner.GetAsync("/v1/sessions", token: secret);

        refused.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        still.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
    }

    [Fact]
    public async Task The_store_keeps_only_the_hash_of_a_token()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var (token, secret) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);

        Assert.StartsWith(Tokens.Prefix, secret, StringComparison.Ordinal);
        Assert.Matches("^reach_[0-9a-f]{64}$", secret);
        var listed = Assert.Single(await runner.Store.ListTokensAsync(Ct));
        Assert.Equal(token.Id, listed.Id);
        Assert.Equal(("acme", "ci", Now, (DateTimeOffset?)null), (listed.Tenant, listed.Name, listed.Created, listed.Revoked));
        Assert.Equal(Tokens.Hash(secret), listed.Hash);
        Assert.StartsWith("sha256:", listed.Hash, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[Tokens.Prefix.Length..], listed.ToString(), StringComparison.Ordinal);

        // Every column of every row in the database file: the secret is nowhere.
        await using var connection = new SqliteConnection($"Data Source={runner.Store.Path};Mode=ReadOnly");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM tokens;";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = 0;
        while (await reader.ReadAsync(Ct))
        {
            rows++;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
                Assert.DoesNotContain(secret[Tokens.Prefix.Length..], value, StringComparison.Ordinal);
            }
        }

        Assert.Equal(1, rows);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\u0001b")]
    public async Task A_token_name_must_be_printable_and_not_empty(string name)
    {
        await using var runner = await RunnerFixture.StartAsync();

        var error = await Assert.ThrowsAsync<ReachException>(() => Tokens.CreateAsync(runner.Store, "acme", name, Now, Ct));

        Assert.Equal("REACH-4001", error.Code);
        Assert.Empty(await runner.Store.ListTokensAsync(Ct));
    }

    [Fact]
    public async Task A_token_for_a_malformed_tenant_is_refused()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var error = await Assert.ThrowsAsync<ReachException>(() => Tokens.CreateAsync(runner.Store, "no spaces", "ci", Now, Ct));

        Assert.Equal("REACH-4005", error.Code);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8787")]
    [InlineData("http://[::]:8787")]
    [InlineData("http://*:8787")]
    [InlineData("http://127.0.0.1:8787;http://10.0.0.5:8787")]
    public void A_non_loopback_bind_needs_required_tokens(string urls)
    {
        var error = Assert.Throws<ReachException>(() => RunnerHost.CheckBind(urls, requireToken: false));

        Assert.Equal("REACH-4006", error.Code);
        Assert.Equal(urls.Split(';').Length, RunnerHost.CheckBind(urls, requireToken: true).Length);
    }

    [Fact]
    public void A_bind_that_is_not_a_url_is_refused_even_with_tokens()
    {
        var error = Assert.Throws<ReachException>(() => RunnerHost.CheckBind("not a url", requireToken: true));

        Assert.Equal("REACH-4007", error.Code);
    }

    [Fact]
    public void Building_a_host_on_a_non_loopback_address_without_tokens_is_refused()
    {
        using var home = new TempDirectory();

        var error = Assert.Throws<ReachException>(() => RunnerHost.Build(new RunnerOptions { Home = home.Path, Urls = "http://0.0.0.0:0", Store = new InMemoryRunnerStore(), MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning }));

        Assert.Equal("REACH-4006", error.Code);
    }
}
