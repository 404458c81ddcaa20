using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Reach.Core.Errors;

namespace Reach.Runner.Tests;

/// <summary>After start the runner checks the addresses the server really bound, not only the ones it asked for.</summary>
public class BoundAddressCheckTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8787")]
    [InlineData("http://[::]:8787")]
    [InlineData("http://10.1.2.3:8787")]
    public async Task A_non_loopback_bound_address_without_required_tokens_fails_the_start_with_4006(string bound)
    {
        var check = new BoundAddressCheck(new BoundServer("http://127.0.0.1:8787", bound), requireToken: false);

        var refused = await Assert.ThrowsAsync<ReachException>(() => check.StartedAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCatalog.RunnerNonLoopback, refused.Error);
    }

    [Fact]
    public async Task Loopback_addresses_or_required_tokens_pass_the_check()
    {
        await new BoundAddressCheck(new BoundServer("http://127.0.0.1:8787", "http://[::1]:8787", "http://localhost:8788"), requireToken: false).StartedAsync(TestContext.Current.CancellationToken);
        await new BoundAddressCheck(new BoundServer("http://0.0.0.0:8787"), requireToken: true).StartedAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_runner_checks_its_bound_addresses_when_it_starts()
    {
        using var home = new TempDirectory();
        await using var app = RunnerHost.Build(new RunnerOptions { Home = home.Path, Urls = "http://127.0.0.1:0", Store = new InMemoryRunnerStore() });

        var checks = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<BoundAddressCheck>();

        Assert.Single(checks);
    }

    private sealed class BoundServer : IServer
    {
        public BoundServer(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
