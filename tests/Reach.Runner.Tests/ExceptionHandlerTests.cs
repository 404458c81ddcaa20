using Microsoft.Extensions.Logging;

namespace Reach.Runner.Tests;

/// <summary>An exception escaping an endpoint: a problem answer, and for a bug a log line an operator can find by the answer's trace id.</summary>
public class ExceptionHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unexpected_error_answers_REACH_9070_with_a_trace_id_and_is_logged_with_it()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        var log = new LogCapture();
        try
        {
            var store = new UnreachableStore { ListFailure = $"cannot read {Path.Combine(home, "reach.db")}" };
            var app = RunnerHost.Build(new RunnerOptions { Home = home, Urls = "http://127.0.0.1:0", Store = store, MinimumLogLevel = LogLevel.Warning, LogSink = log });
            await using (app)
            {
                await app.StartAsync(Ct);
                using var client = new HttpClient { BaseAddress = new Uri(RunnerHost.Addresses(app).Single()) };

                using var response = await client.GetAsync(new Uri("/v1/sessions", UriKind.Relative), Ct);

                var text = await response.Content.ReadAsStringAsync(Ct);
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = JsonDocument.Parse(text).RootElement;
                Assert.Equal("REACH-9070", problem.GetProperty("code").GetString());
                Assert.Equal(500, problem.GetProperty("status").GetInt32());
                Assert.Contains("IOException", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
                var traceId = problem.GetProperty("trace_id").GetString();
                Assert.False(string.IsNullOrEmpty(traceId));
                Assert.DoesNotContain(home, text, StringComparison.Ordinal);

                var logged = Assert.Single(log.Lines, l => l.Level == LogLevel.Error);
                Assert.Contains(traceId, logged.Text, StringComparison.Ordinal);
                Assert.Contains("GET /v1/sessions", logged.Text, StringComparison.Ordinal);
                Assert.Contains("IOException", logged.Text, StringComparison.Ordinal);
                Assert.DoesNotContain(home, logged.Text, StringComparison.Ordinal);
                await app.StopAsync(Ct);
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_coded_error_is_an_answer_not_a_logged_incident()
    {
        var log = new LogCapture();
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { LogSink = log });

        (await runner.GetAsync("/v1/sessions/nope")).ExpectProblem(HttpStatusCode.NotFound, "REACH-4002");

        Assert.DoesNotContain(log.Lines, l => l.Level >= LogLevel.Warning);
    }
}
