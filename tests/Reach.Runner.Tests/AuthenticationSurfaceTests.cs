using Reach.Core.Transcripts;
using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary>
/// Authentication and audit attach to every routed endpoint, not to a path prefix: however a path is spelled (case,
/// escapes, double slashes, dots) and whatever the method, a runner that requires tokens answers 401 without one, and
/// the compliance log records every mutating request.
/// </summary>
public class AuthenticationSurfaceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    /// <summary>The endpoints an orchestrator or a browser reads without a token; everything else needs one.</summary>
    private static readonly string[] Public = ["/healthz", "/readyz"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_endpoint_in_the_openapi_document_is_401_without_a_token_however_its_path_is_spelled()
    {
        // Hundreds of refused requests from one address: the failed-attempt limit (tested on its own) is off here.
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with
        {
            RequireToken = true,
            Config = ConfigLoader.Load(o.Home, new Dictionary<string, string>()) with { AuthFailuresPerMinute = new(0, ConfigSource.Flag) },
        });
        var (_, acme) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);
        var session = await runner.OpenAtAsync("hello", token: acme);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "openapi", "reach.openapi.json"), Ct));
        var failures = new List<string>();
        var tried = 0;
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            if (Public.Contains(path.Name))
            {
                continue;
            }

            var concrete = path.Name.Replace("{id}", session, StringComparison.Ordinal);
            var methods = path.Value.EnumerateObject().Select(o => o.Name.ToUpperInvariant()).ToList();
            var attempts = Spellings(concrete, session).SelectMany(target => methods.Select(method => (method, target)))
                .Concat(new[] { "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" }.Except(methods).Select(method => (method, concrete)));
            foreach (var (method, target) in attempts)
            {
                tried++;
                var headers = new Dictionary<string, string> { ["X-Tenant-ID"] = "acme" };
                var (status, body) = await RawHttp.SendAsync(runner.Client.BaseAddress!, method, target, headers, method is "GET" or "HEAD" or "OPTIONS" ? null : """{"tool":"echo","pack":"x"}""");
                if (status != 401 || (method != "HEAD" && !body.Contains("REACH-4014", StringComparison.Ordinal)))
                {
                    failures.Add($"{method} {target}: {status}");
                }
            }
        }

        Assert.True(tried > 200, $"only {tried} requests were tried");
        Assert.True(failures.Count == 0, "answered without a token:\n" + string.Join('\n', failures));
    }

    [Theory]
    [InlineData("GET", "/nothing")]
    [InlineData("GET", "/v2/sessions")]
    [InlineData("GET", "/V1/nothing")]
    [InlineData("POST", "/v1/sessions/x/y/z")]
    [InlineData("GET", "/favicon.ico")]
    [InlineData("GET", "/metrics")]
    [InlineData("GET", "/METRICS")]
    [InlineData("DELETE", "/healthz/x")]
    public async Task Without_a_token_an_unmatched_path_is_401_not_a_probe(string method, string target)
    {
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true });

        var (status, body) = await RawHttp.SendAsync(runner.Client.BaseAddress!, method, target);

        Assert.True(status == 401 && body.Contains("REACH-4014", StringComparison.Ordinal), $"{method} {target}: {status} {body}");
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/docs")]
    public async Task The_public_endpoints_answer_without_a_token(string path)
    {
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true });

        (await runner.GetAsync(path)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_mutating_request_is_audited_whatever_the_case_of_its_path()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            string id;
            await using (var runner = await StartAuditedAsync(home, requireToken: false))
            {
                var opened = (await runner.SendPostAsync("/V1/sessions", new { pack = "hello" })).Expect(HttpStatusCode.Created).Json;
                id = opened.GetProperty("session_id").GetString()!;
                (await runner.SendPostAsync($"/V1/Sessions/{id}/TOOL-CALLS", new { tool = "echo", input = new { a = 1 } })).Expect(HttpStatusCode.OK);
                (await runner.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
            }

            var audited = AuditedRequests(home);
            Assert.Equal(2, audited.Count);
            Assert.StartsWith("POST /v1/sessions", audited[0].GetProperty("action").GetString(), StringComparison.Ordinal);
            Assert.Equal(201, audited[0].GetProperty("status").GetInt32());
            Assert.Equal("POST /v1/sessions/{id}/tool-calls", audited[1].GetProperty("action").GetString());
            Assert.Equal(id, audited[1].GetProperty("target").GetString());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_refused_mutating_request_with_an_odd_spelling_is_audited_with_its_401()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            await using (var runner = await StartAuditedAsync(home, requireToken: true))
            {
                var (status, _) = await RawHttp.SendAsync(runner.Client.BaseAddress!, "POST", "/V1/sessions", new Dictionary<string, string> { ["X-Tenant-ID"] = "acme" }, "{}");
                Assert.Equal(401, status);
                (await runner.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
            }

            var audited = Assert.Single(AuditedRequests(home));
            Assert.Equal(401, audited.GetProperty("status").GetInt32());
            Assert.StartsWith("POST /v1/sessions", audited.GetProperty("action").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    // The same path as clients might spell it to slip past a prefix test: case, escapes, slashes, dots, a query.
    private static IEnumerable<string> Spellings(string path, string id)
    {
        yield return path;
        yield return "/V1" + path[3..];
        yield return string.Join('/', path.Split('/').Select(s => s == id ? s : s.ToUpperInvariant()));
        yield return "/" + path;
        yield return path.Replace("/", "//", StringComparison.Ordinal);
        yield return path + "/";
        yield return path + ".";
        yield return path + "?x=1";
        yield return "/v1%2F" + path[4..];
        yield return "/v1%2f" + path[4..];
        yield return "/%76" + path[2..];
        yield return "/%56" + path[2..];
        yield return "/v1/./" + path[4..];
        yield return "/x/../" + path[1..];
        yield return "/v1./" + path[4..];
    }

    private static List<JsonElement> AuditedRequests(string home)
    {
        var bytes = File.ReadAllBytes(Assert.Single(Directory.GetFiles(Path.Combine(home, "audit"), "*.jsonl")));
        Assert.True(TranscriptVerifier.Verify(new MemoryStream(bytes)).Ok);
        return [.. RunnerHttp.EventsOfType(bytes, ComplianceLog.EventType).Select(e => e.GetProperty("data"))];
    }

    private static async Task<RunnerFixture> StartAuditedAsync(string home, bool requireToken)
    {
        var config = ConfigLoader.Load(home, new Dictionary<string, string> { ["REACH_FEATURE_FLAGS"] = FeatureFlag.ComplianceLogs });
        var runner = await RunnerFixture.StartAsync(home, o => o with { Config = config, RequireToken = requireToken });
        runner.KeepHome = true;
        return runner;
    }
}
