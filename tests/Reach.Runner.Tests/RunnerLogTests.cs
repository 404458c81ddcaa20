using Microsoft.Extensions.Logging;

namespace Reach.Runner.Tests;

/// <summary>What the runner logs of a session's life (open, denials, close) and of its store: ids, names and codes, never inputs, secrets or server paths.</summary>
public class RunnerLogTests
{
    private const string Secret = "sk-live-0123456789abcdef";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_session_logs_its_opening_each_denial_and_its_close_without_its_inputs()
    {
        var log = new LogCapture();
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { LogSink = log, MinimumLogLevel = LogLevel.Information });
        var id = await runner.OpenAsync("hello");
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "http.get", input = new { url = "https://example.com/?key=" + Secret } })).Expect(HttpStatusCode.OK);
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "echo", input = new { token = Secret } })).Expect(HttpStatusCode.OK);
        (await runner.SendPostAsync($"/v1/sessions/{id}/close", new { })).Expect(HttpStatusCode.OK);

        var lines = log.Lines.Where(l => l.Category == SessionsApi.LogCategory).ToList();
        var opened = Assert.Single(lines, l => l.Event.Id == 4100);
        Assert.Contains(id, opened.Text, StringComparison.Ordinal);
        Assert.Contains("hello@", opened.Text, StringComparison.Ordinal);
        var denied = Assert.Single(lines, l => l.Event.Id == 4102);
        Assert.Contains("http.get denied by the policy gate (REACH-2201)", denied.Text, StringComparison.Ordinal);
        var closed = Assert.Single(lines, l => l.Event.Id == 4101);
        Assert.Contains(id, closed.Text, StringComparison.Ordinal);
        Assert.Contains("sha256:", closed.Text, StringComparison.Ordinal);
        Assert.All(log.Lines, l => Assert.DoesNotContain(Secret, l.Text, StringComparison.Ordinal));
        Assert.All(log.Lines, l => Assert.DoesNotContain(runner.Home, l.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_store_is_logged_by_its_exception_type_not_its_message()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        var log = new LogCapture();
        try
        {
            var app = RunnerHost.Build(new RunnerOptions { Home = home, Urls = "http://127.0.0.1:0", Store = new UnreachableStore(), MinimumLogLevel = LogLevel.Warning, LogSink = log });
            await using (app)
            {
                await app.StartAsync(Ct);
                using var client = new HttpClient { BaseAddress = new Uri(RunnerHost.Addresses(app).Single()) };

                using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                var logged = Assert.Single(log.Lines, l => l.Event.Id == 4104);
                Assert.Equal(LogLevel.Warning, logged.Level);
                Assert.Contains("IOException", logged.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("the database is gone", logged.Text, StringComparison.Ordinal);
                await app.StopAsync(Ct);
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
