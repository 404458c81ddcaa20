using Reach.Core.Transcripts;
using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary>The compliance log (<c>enable_compliance_logs</c>): one <c>audit.request</c> event per mutating request, in a transcript that verifies.</summary>
public class ComplianceLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_mutating_request_is_one_audit_event_in_a_sealed_log_that_verifies()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            string id;
            await using (var runner = await StartAsync(home))
            {
                id = await runner.OpenAsync("hello");
                (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { a = 1 } })).Expect(HttpStatusCode.OK);
                (await runner.GetAsync($"/v1/sessions/{id}")).Expect(HttpStatusCode.OK);
                (await runner.GetAsync($"/v1/sessions/{id}/events")).Expect(HttpStatusCode.OK);
                (await runner.GetAsync("/v1/sessions")).Expect(HttpStatusCode.OK);
                (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { })).Expect(HttpStatusCode.OK);
                (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { }, tenant: "globex")).Expect(HttpStatusCode.NotFound);
                (await runner.GetAsync($"/v1/sessions/{id}/transcript")).Expect(HttpStatusCode.OK);

                // Kestrel serves one request of a connection at a time: this answer means the audited ones have finished.
                (await runner.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
            }

            var log = Assert.Single(Directory.GetFiles(Path.Combine(home, "audit"), "*.jsonl"));
            var bytes = await File.ReadAllBytesAsync(log, Ct);
            var report = TranscriptVerifier.Verify(new MemoryStream(bytes));
            Assert.True(report.Ok, report.Failure?.Message);
            Assert.True(report.Sealed);
            var python = Python.Verify(log);
            Assert.True(python.ExitCode == 0, python.Output);
            Assert.Contains(report.Fingerprint.ToString(), python.Output, StringComparison.Ordinal);

            var audited = RunnerHttp.EventsOfType(bytes, ComplianceLog.EventType).Select(e => e.GetProperty("data")).ToList();
            Assert.Equal(report.Events, audited.Count);
            Assert.Equal(4, audited.Count);
            Assert.StartsWith("POST /v1/sessions", audited[0].GetProperty("action").GetString(), StringComparison.Ordinal);
            Assert.Equal(201, audited[0].GetProperty("status").GetInt32());
            Assert.Equal(
                [("POST /v1/sessions/{id}/tool-calls", 200, "default"), ("POST /v1/sessions/{id}/close", 200, "default"), ("POST /v1/sessions/{id}/close", 404, "globex")],
                audited.Skip(1).Select(a => (a.GetProperty("action").GetString(), a.GetProperty("status").GetInt32(), a.GetProperty("tenant").GetString())));
            Assert.All(audited.Skip(1), a => Assert.Equal(id, a.GetProperty("target").GetString()));
            Assert.All(audited, a => Assert.Equal(JsonValueKind.Null, a.GetProperty("caller").ValueKind));
            Assert.All(audited, a => Assert.False(string.IsNullOrEmpty(a.GetProperty("at").GetString())));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task With_a_token_the_audited_caller_is_the_tokens_name_and_its_tenant()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            await using (var runner = await StartAsync(home))
            {
                var (_, secret) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);
                var id = await runner.OpenAtAsync("hello", token: secret);
                (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo" }, token: secret)).Expect(HttpStatusCode.OK);
                (await runner.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
            }

            var bytes = await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(Path.Combine(home, "audit"), "*.jsonl")), Ct);
            Assert.True(TranscriptVerifier.Verify(new MemoryStream(bytes)).Ok);
            var audited = RunnerHttp.EventsOfType(bytes, ComplianceLog.EventType).Select(e => e.GetProperty("data")).ToList();
            Assert.Equal(2, audited.Count);
            Assert.All(audited, a =>
            {
                Assert.Equal("ci", a.GetProperty("caller").GetString());
                Assert.Equal("acme", a.GetProperty("tenant").GetString());
            });
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Concurrent_requests_and_runs_are_each_audited_once_and_the_log_still_verifies()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            string id;
            string run;
            await using (var runner = await StartAsync(home))
            {
                id = await runner.OpenAsync("hello");
                var calls = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { i } })));
                Assert.All(calls, c => c.Expect(HttpStatusCode.OK));
                run = (await runner.SendPostAsync("/v1/runs", new { pack = "hello" })).Expect(HttpStatusCode.Accepted).Json.GetProperty("run_id").GetString()!;
                await RunsApiTests.FinishedAsync(runner, run);
                (await runner.SendPostAsync($"/v1/runs/{run}/verify", new { })).Expect(HttpStatusCode.OK);
                (await runner.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
            }

            var bytes = await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(Path.Combine(home, "audit"), "*.jsonl")), Ct);
            var report = TranscriptVerifier.Verify(new MemoryStream(bytes));
            Assert.True(report.Ok, report.Failure?.Message);
            var audited = RunnerHttp.EventsOfType(bytes, ComplianceLog.EventType).Select(e => e.GetProperty("data")).ToList();
            Assert.Equal(15, audited.Count);
            Assert.Equal(12, audited.Count(a => a.GetProperty("action").GetString() == "POST /v1/sessions/{id}/tool-calls" && a.GetProperty("target").GetString() == id));
            Assert.Single(audited, a => a.GetProperty("action").GetString()!.StartsWith("POST /v1/runs", StringComparison.Ordinal) && a.GetProperty("status").GetInt32() == 202);
            Assert.Single(audited, a => a.GetProperty("action").GetString() == "POST /v1/runs/{id}/verify" && a.GetProperty("target").GetString() == run);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_request_refused_for_want_of_a_token_is_audited_with_its_status()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            var config = ConfigLoader.Load(home, new Dictionary<string, string> { ["REACH_FEATURE_FLAGS"] = FeatureFlag.ComplianceLogs });
            await using (var runner = await RunnerFixture.StartAsync(home, o => o with { Config = config, RequireToken = true }))
            {
                runner.KeepHome = true;
                (await runner.SendPostAsync("/v1/sessions", new { pack = "hello" })).Expect(HttpStatusCode.Unauthorized);
                (await runner.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
            }

            var bytes = await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(Path.Combine(home, "audit"), "*.jsonl")), Ct);
            var audited = Assert.Single(RunnerHttp.EventsOfType(bytes, ComplianceLog.EventType)).GetProperty("data");
            Assert.Equal(401, audited.GetProperty("status").GetInt32());
            Assert.Equal(JsonValueKind.Null, audited.GetProperty("caller").ValueKind);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Without_the_flag_nothing_is_audited()
    {
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { Config = ConfigLoader.Load(o.Home, new Dictionary<string, string>()) });

        var id = await runner.OpenAsync("hello");
        (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { })).Expect(HttpStatusCode.OK);

        Assert.False(Directory.Exists(Path.Combine(runner.Home, "audit")));
    }

    private static async Task<RunnerFixture> StartAsync(string home)
    {
        var config = ConfigLoader.Load(home, new Dictionary<string, string> { ["REACH_FEATURE_FLAGS"] = FeatureFlag.ComplianceLogs });
        var runner = await RunnerFixture.StartAsync(home, o => o with { Config = config });
        runner.KeepHome = true;
        return runner;
    }
}
