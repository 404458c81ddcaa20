using Reach.Policy.Compilation;

namespace Reach.Runner.Tests;

/// <summary>What surrounds the sessions and runs: /metrics, /docs, the OpenAPI document, and the packs and policies endpoints.</summary>
public class ApiSurfaceTests
{
    private const string StrictSafeMode = "strict-safe-mode";

    [Fact]
    public async Task Metrics_count_requests_by_method_route_and_status_in_the_prometheus_format()
    {
        await using var runner = await RunnerFixture.StartAsync();
        (await runner.GetAsync("/v1/version")).Expect(HttpStatusCode.OK);
        (await runner.GetAsync("/v1/version")).Expect(HttpStatusCode.OK);
        var id = await runner.OpenAsync("hello");
        (await runner.GetAsync($"/v1/sessions/{id}", tenant: "globex")).Expect(HttpStatusCode.NotFound);

        var metrics = (await runner.GetAsync("/metrics")).Expect(HttpStatusCode.OK);

        Assert.Equal("text/plain", metrics.MediaType);
        var lines = metrics.Text.Split('\n');
        var samples = PrometheusSamples.Parse(metrics.Text);
        Assert.Contains("# TYPE reach_http_requests_total counter", lines);
        Assert.Equal(2, samples.Value("reach_http_requests_total", ("method", "GET"), ("route", "/v1/version"), ("status", "200")));
        Assert.Equal(1, samples.Value("reach_http_requests_total", ("method", "POST"), ("route", "/v1/sessions/"), ("status", "201")));
        Assert.Equal(1, samples.Value("reach_http_requests_total", ("method", "GET"), ("route", "/v1/sessions/{id}"), ("status", "404")));
        Assert.Equal(1, samples.Value("reach_sessions_open"));
        Assert.Equal(0, samples.Value("reach_runs_running"));
        Assert.Contains("# TYPE reach_http_request_seconds histogram", lines);
        Assert.Equal(4, samples.Sum("reach_http_request_seconds_count"));
        Assert.True(samples.Sum("reach_http_request_seconds_sum") > 0, metrics.Text);

        // The samples are this runner's own: another runner in the process counts apart.
        await using var other = await RunnerFixture.StartAsync();
        (await other.GetAsync("/v1/version")).Expect(HttpStatusCode.OK);
        var again = PrometheusSamples.Parse((await runner.GetAsync("/metrics")).Expect(HttpStatusCode.OK).Text);
        Assert.Equal(2, again.Value("reach_http_requests_total", ("method", "GET"), ("route", "/v1/version"), ("status", "200")));
    }

    [Fact]
    public async Task Metrics_need_a_token_when_tokens_are_required_and_answer_with_one()
    {
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { RequireToken = true });
        var (_, secret) = await Tokens.CreateAsync(runner.Store, "acme", "ops", DateTimeOffset.UnixEpoch, TestContext.Current.CancellationToken);

        (await runner.GetAsync("/metrics")).ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        var metrics = (await runner.GetAsync("/metrics", token: secret)).Expect(HttpStatusCode.OK);

        Assert.Equal(1, PrometheusSamples.Parse(metrics.Text).Value("reach_http_requests_total", ("route", "/metrics"), ("status", "401")));
    }

    [Fact]
    public async Task Docs_serve_an_html_api_reference()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var docs = (await runner.GetAsync("/docs")).Expect(HttpStatusCode.OK);

        Assert.Equal("text/html", docs.MediaType);
        Assert.Contains("<html", docs.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<title>Reach runner API</title>", docs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docs_load_no_fonts_from_another_host()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var docs = (await runner.GetAsync("/docs")).Expect(HttpStatusCode.OK);

        // Reach is offline-first: Scalar's default fonts come from its CDN, so the page turns them off.
        Assert.Contains("\"withDefaultFonts\":false", docs.Text.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("fonts.scalar.com", docs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_says_every_operation_takes_a_bearer_token_but_health_and_readiness()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var document = (await runner.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK).Json;

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("reachToken");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Contains(document.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("reachToken", out _));
        var anonymous = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Operation: o.Value)))
            .Where(o => o.Operation.TryGetProperty("security", out var security) && security.GetArrayLength() == 0)
            .Select(o => o.Path)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["/healthz", "/readyz"], anonymous);
    }

    [Fact]
    public async Task The_openapi_document_is_3_1_and_every_v1_operation_is_named_summarized_and_has_a_problem_response()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var document = (await runner.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK).Json;

        Assert.StartsWith("3.1.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var operations = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/v1/", StringComparison.Ordinal) || p.Name == "/v1"))
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var body = operation.Value;
                Assert.True(body.TryGetProperty("operationId", out var operationId) && operationId.GetString() is { Length: > 0 }, $"{where}: no operationId");
                Assert.True(body.TryGetProperty("summary", out var summary) && summary.GetString() is { Length: > 0 }, $"{where}: no summary");
                var problems = body.GetProperty("responses").EnumerateObject()
                    .Where(r => r.Name.StartsWith('4'))
                    .Where(r => r.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _))
                    .ToList();
                Assert.True(problems.Count > 0, $"{where}: no 4xx response with application/problem+json");
                operations.Add(operationId.GetString()!);
            }
        }

        Assert.Equal(operations.Count, operations.Distinct(StringComparer.Ordinal).Count());
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal) { "openSession", "listSessions", "getSession", "callTool", "decideToolCall", "spawnSession", "closeSession", "getSessionTranscript", "getSessionEvents", "startRun", "listRuns", "getRun", "getRunEvents", "verifyRun", "replayRun", "getRunTranscript", "listPacks", "installPack", "verifyPack", "evaluatePolicy" },
            new HashSet<string>(operations, StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_empty_home_lists_no_packs()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var packs = (await runner.GetAsync("/v1/packs")).Expect(HttpStatusCode.OK);

        Assert.Equal("application/json", packs.MediaType);
        Assert.Equal("""{"packs":[]}""", packs.Text);
    }

    [Fact]
    public async Task Evaluating_a_call_against_a_bundle_answers_its_decision()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var denied = (await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = StrictSafeMode, call = new { tool = "fs.write", args = new { path = "a.txt" } } })).Expect(HttpStatusCode.OK).Json;
        var permitted = (await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = StrictSafeMode, call = new { tool = "echo", args = new { } } })).Expect(HttpStatusCode.OK).Json;
        var warned = (await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = StrictSafeMode, call = new { tool = "fs.write", args = new { path = "a.txt" } }, mode = "warn" })).Expect(HttpStatusCode.OK).Json;

        var digest = PolicyCompiler.LoadFile(Path.Combine(RunnerFixture.Policies, StrictSafeMode, "policy.json")).Digest.ToString();
        Assert.False(denied.GetProperty("allowed").GetBoolean());
        Assert.Equal("deny", denied.GetProperty("effect").GetString());
        Assert.Equal("REACH-3002", denied.GetProperty("code").GetString());
        Assert.Equal(["forbid-side-effects"], denied.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(digest, denied.GetProperty("bundle").GetString());
        Assert.True(permitted.GetProperty("allowed").GetBoolean());
        Assert.Equal(["permit-pure"], permitted.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.True(warned.GetProperty("allowed").GetBoolean());
        Assert.True(warned.GetProperty("would_deny").GetBoolean());
        Assert.Equal("warn", warned.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Evaluating_without_a_call_or_with_a_bundle_that_does_not_exist_is_a_problem()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var noCall = await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = StrictSafeMode });
        var noBundle = await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = "missing", call = new { tool = "echo" } });

        noCall.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.Equal("call", noCall.Json.GetProperty("field").GetString());
        Assert.Equal("application/problem+json", noBundle.MediaType);
        Assert.Equal(4, (int)noBundle.Status / 100);
        Assert.StartsWith("REACH-", noBundle.Code, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verifying_an_unsigned_pack_answers_the_signing_problem()
    {
        await using var runner = await RunnerFixture.StartAsync();

        // The example pack is in the runner's pack directories, unsigned.
        var refused = await runner.SendPostAsync("/v1/packs/verify", new { pack = "hello" });

        refused.ExpectProblem(HttpStatusCode.UnprocessableEntity, "REACH-5201");
        Assert.Contains("not signed", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Installing_from_no_configured_registry_is_a_problem_not_a_crash()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var refused = await runner.SendPostAsync("/v1/packs/install", new { pack = "hello@1.0.0" });

        Assert.Equal("application/problem+json", refused.MediaType);
        Assert.NotEqual("REACH-9070", refused.Code);
        Assert.InRange((int)refused.Status, 400, 499);
    }
}
