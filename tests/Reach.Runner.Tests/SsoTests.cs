using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Reach.Core.Errors;
using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary>Single sign-on (<c>enable_sso</c>): OpenID Connect bearer tokens checked against REACH_HOME/sso.json and a local JWKS.</summary>
public sealed class SsoTests : IDisposable
{
    private const string Issuer = "https://login.example.test/";
    private const string Audience = "reach-runner";
    private const string KeyId = "test-key-1";

    private static readonly Dictionary<string, string> SsoOn = new() { ["REACH_FEATURE_FLAGS"] = FeatureFlag.Sso };

    private readonly RSA _key = RSA.Create(2048);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task A_valid_token_opens_a_session_of_its_tenant_claim_that_only_that_tenant_sees()
    {
        await using var runner = await StartAsync();
        var acme = Jwt(_key, "acme");
        var globex = Jwt(_key, "globex");

        var opened = (await runner.SendPostAsync("/v1/sessions", new { pack = "hello" }, token: acme)).Expect(HttpStatusCode.Created).Json;
        var id = opened.GetProperty("session_id").GetString()!;

        Assert.Equal("acme", opened.GetProperty("tenant").GetString());
        (await runner.GetAsync($"/v1/sessions/{id}", token: acme)).Expect(HttpStatusCode.OK);
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo" }, token: acme)).Expect(HttpStatusCode.OK);
        (await runner.GetAsync($"/v1/sessions/{id}", token: globex)).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.GetAsync($"/v1/sessions/{id}")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");
        (await runner.GetAsync($"/v1/sessions/{id}", tenant: "globex", token: acme)).ExpectProblem(HttpStatusCode.Forbidden, "REACH-4015");
        Assert.Equal("acme", (await runner.Store.GetSessionAsync("acme", id, Ct))!.Tenant);
    }

    [Fact]
    public async Task The_compliance_log_names_the_sso_subject_as_the_caller()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            WriteSettings(home, _key);
            var flags = new Dictionary<string, string> { ["REACH_FEATURE_FLAGS"] = FeatureFlag.Sso + "," + FeatureFlag.ComplianceLogs };
            await using (var runner = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, flags) }))
            {
                runner.KeepHome = true;
                await runner.OpenAtAsync("hello", token: Jwt(_key, "acme"));
                (await runner.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
            }

            var bytes = await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(Path.Combine(home, "audit"), "*.jsonl")), Ct);
            var audited = Assert.Single(RunnerHttp.EventsOfType(bytes, ComplianceLog.EventType)).GetProperty("data");
            Assert.Equal("sso:ada", audited.GetProperty("caller").GetString());
            Assert.Equal("acme", audited.GetProperty("tenant").GetString());
            Assert.Equal(201, audited.GetProperty("status").GetInt32());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Reach_tokens_still_work_beside_single_sign_on()
    {
        await using var runner = await StartAsync();
        var (_, secret) = await Tokens.CreateAsync(runner.Store, "acme", "ci", DateTimeOffset.UtcNow, Ct);

        var opened = (await runner.SendPostAsync("/v1/sessions", new { pack = "hello" }, token: secret)).Expect(HttpStatusCode.Created).Json;

        Assert.Equal("acme", opened.GetProperty("tenant").GetString());
    }

    [Theory]
    [InlineData("audience")]
    [InlineData("issuer")]
    [InlineData("expired")]
    [InlineData("key")]
    [InlineData("no-tenant")]
    [InlineData("garbage")]
    public async Task A_token_that_does_not_validate_is_401(string flaw)
    {
        await using var runner = await StartAsync();
        using var other = RSA.Create(2048);
        var now = DateTime.UtcNow;
        var token = flaw switch
        {
            "audience" => Jwt(_key, "acme", audience: "someone-else"),
            "issuer" => Jwt(_key, "acme", issuer: "https://evil.example.test/"),
            "expired" => Jwt(_key, "acme", notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "key" => Jwt(other, "acme"),
            "no-tenant" => Jwt(_key, null),
            _ => "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
        };

        var refused = await runner.SendPostAsync("/v1/sessions", new { pack = "hello" }, token: token);

        Assert.True(refused.Status == HttpStatusCode.Unauthorized, $"{flaw}: {(int)refused.Status} {refused.Text}");
        Assert.Equal("REACH-4014", refused.Code);
        Assert.Empty(await runner.Store.ListSessionsAsync("acme", null, 10, Ct));
    }

    [Fact]
    public async Task A_token_whose_tenant_claim_is_not_a_tenant_name_is_401_not_a_header_error()
    {
        await using var runner = await StartAsync();

        var refused = await runner.SendPostAsync("/v1/sessions", new { pack = "hello" }, token: Jwt(_key, "no spaces allowed"));

        // No X-Tenant-ID was sent: REACH-4005 ("The X-Tenant-ID header is malformed") would point the caller at the
        // wrong thing. The token names no tenant this runner can serve, so it does not authenticate (REACH-4014).
        refused.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
    }

    [Fact]
    public async Task Without_the_flag_a_jwt_is_not_accepted()
    {
        using var home = new TempDirectory();
        WriteSettings(home.Path, _key);
        await using var runner = await RunnerFixture.StartAsync(home.Path, o => o with { Config = ConfigLoader.Load(home.Path, new Dictionary<string, string>()) });
        runner.KeepHome = true;

        var refused = await runner.SendPostAsync("/v1/sessions", new { pack = "hello" }, token: Jwt(_key, "acme"));

        refused.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
    }

    [Fact]
    public void The_flag_without_sso_json_fails_the_host_with_4019()
    {
        using var home = new TempDirectory();

        var error = Assert.Throws<ReachException>(() => RunnerHost.Build(Options(home.Path)));

        Assert.Equal("REACH-4019", error.Code);
    }

    [Theory]
    [InlineData("""{"issuer":"https://login.example.test/","audience":"reach-runner","tenant_claim":"tenant"}""")]
    [InlineData("""{"issuer":"","audience":"reach-runner","tenant_claim":"tenant","signing_keys":"jwks.json"}""")]
    [InlineData("""{"issuer":"https://login.example.test/","audience":"reach-runner","tenant_claim":"tenant","signing_keys":"missing.json"}""")]
    [InlineData("""not json""")]
    public void Sso_settings_that_cannot_be_used_fail_the_host_with_4019(string settings)
    {
        using var home = new TempDirectory();
        WriteSettings(home.Path, _key);
        home.Write("sso.json", settings);

        var error = Assert.Throws<ReachException>(() => RunnerHost.Build(Options(home.Path)));

        Assert.Equal("REACH-4019", error.Code);
    }

    private async Task<RunnerFixture> StartAsync()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        WriteSettings(home, _key);
        return await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, SsoOn) });
    }

    private static RunnerOptions Options(string home) => new()
    {
        Home = home,
        Urls = "http://127.0.0.1:0",
        Store = new InMemoryRunnerStore(),
        Config = ConfigLoader.Load(home, SsoOn),
        MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
    };

    private static void WriteSettings(string home, RSA key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var jwks = new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        };
        File.WriteAllText(Path.Combine(home, "jwks.json"), JsonSerializer.Serialize(jwks));
        File.WriteAllText(Path.Combine(home, "sso.json"), JsonSerializer.Serialize(new { issuer = Issuer, audience = Audience, tenant_claim = "tenant", signing_keys = "jwks.json" }));
    }

    private static string Jwt(RSA key, string? tenant, string issuer = Issuer, string audience = Audience, DateTime? notBefore = null, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = "ada" };
        if (tenant is not null)
        {
            claims["tenant"] = tenant;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(30),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
