using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary>
/// Failed authentications are limited per client address (<c>auth_failures_per_minute</c>): past the limit the address
/// gets 429 (REACH-4022, Retry-After) until its window ends, while other addresses are unaffected. A fake clock drives the window.
/// </summary>
public class FailedAuthenticationLimitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    private static readonly string Unknown = "reach_" + new string('0', 64);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bad_tokens_past_the_limit_are_429_while_a_good_token_from_another_address_still_works()
    {
        var clock = new FakeTimeProvider(Now);
        await using var runner = await StartAsync("""{"auth_failures_per_minute":3}""", clock);
        var (_, good) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);

        var refused = new List<Reply>();
        for (var i = 0; i < 3; i++)
        {
            refused.Add(await runner.GetAsync("/v1/sessions", token: Unknown));
        }

        var limited = await runner.GetAsync("/v1/sessions", token: Unknown);
        var goodHere = await runner.GetAsync("/v1/sessions", token: good);
        using var elsewhere = FromAddress(runner, "127.0.0.2");
        var goodElsewhere = await elsewhere.SendAsync(HttpMethod.Get, "/v1/sessions", token: good);

        Assert.All(refused, r => r.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014"));
        limited.ExpectProblem(HttpStatusCode.TooManyRequests, "REACH-4022");
        Assert.Equal("60", limited.Header("Retry-After"));

        // While the address is locked out nothing it sends is looked up, so it cannot tell a right guess from a wrong one.
        goodHere.ExpectProblem(HttpStatusCode.TooManyRequests, "REACH-4022");
        goodElsewhere.Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Once_the_window_has_passed_the_address_is_answered_again()
    {
        var clock = new FakeTimeProvider(Now);
        await using var runner = await StartAsync("""{"auth_failures_per_minute":2}""", clock);
        var (_, good) = await Tokens.CreateAsync(runner.Store, "acme", "ci", Now, Ct);
        for (var i = 0; i < 2; i++)
        {
            (await runner.GetAsync("/v1/sessions", token: Unknown)).ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        }

        clock.Advance(TimeSpan.FromSeconds(45));
        var limited = await runner.GetAsync("/v1/sessions", token: good);
        clock.Advance(TimeSpan.FromSeconds(15));
        var answered = await runner.GetAsync("/v1/sessions", token: good);
        var wrongAgain = await runner.GetAsync("/v1/sessions", token: Unknown);

        limited.ExpectProblem(HttpStatusCode.TooManyRequests, "REACH-4022");
        Assert.Equal("15", limited.Header("Retry-After"));
        answered.Expect(HttpStatusCode.OK);
        wrongAgain.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
    }

    [Fact]
    public async Task Requests_without_a_token_count_as_failed_attempts_when_tokens_are_required()
    {
        await using var runner = await StartAsync("""{"auth_failures_per_minute":2}""", new FakeTimeProvider(Now));

        var first = await runner.GetAsync("/v1/sessions");
        var second = await runner.GetAsync("/V1/version");
        var third = await runner.GetAsync("/v1/sessions");
        var health = await runner.GetAsync("/healthz");

        first.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        second.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014");
        third.ExpectProblem(HttpStatusCode.TooManyRequests, "REACH-4022");
        health.Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_limit_of_zero_turns_the_failed_attempt_limit_off()
    {
        await using var runner = await StartAsync("""{"auth_failures_per_minute":0}""", new FakeTimeProvider(Now));

        var replies = new List<Reply>();
        for (var i = 0; i < 40; i++)
        {
            replies.Add(await runner.GetAsync("/v1/sessions", token: Unknown));
        }

        Assert.All(replies, r => r.ExpectProblem(HttpStatusCode.Unauthorized, "REACH-4014"));
    }

    [Fact]
    public void The_limit_is_read_from_config_json_and_defaults_to_30()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            var defaults = ConfigLoader.Load(home, new Dictionary<string, string>());
            File.WriteAllText(Path.Combine(home, ReachConfig.FileName), """{"auth_failures_per_minute":7}""");
            var configured = ConfigLoader.Load(home, new Dictionary<string, string>());

            Assert.Equal(30, defaults.AuthFailuresPerMinute.Value);
            Assert.Equal(7, configured.AuthFailuresPerMinute.Value);
            Assert.Equal(ConfigSource.File, configured.AuthFailuresPerMinute.Source);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    // A client whose connections come from another loopback address (all of 127.0.0.0/8 is loopback).
    private static HttpClient FromAddress(RunnerFixture runner, string local)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = runner.Client.BaseAddress };
    }

    private static async Task<RunnerFixture> StartAsync(string json, TimeProvider clock)
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        await File.WriteAllTextAsync(Path.Combine(home, ReachConfig.FileName), json, Ct);
        var config = ConfigLoader.Load(home, new Dictionary<string, string>());
        return await RunnerFixture.StartAsync(home, o => o with { Config = config, RequireToken = true, Clock = clock });
    }
}
