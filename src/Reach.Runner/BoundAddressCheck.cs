using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Reach.Runner;

/// <summary>
/// Once the server listens, checks every address it actually bound, not only the ones Reach asked for: a runner
/// without required tokens that ended up on a non-loopback address fails to start (REACH-4006), whatever configured it.
/// </summary>
internal sealed class BoundAddressCheck : IHostedLifecycleService
{
    private readonly IServer _server;
    private readonly bool _requireToken;

    public BoundAddressCheck(IServer server, bool requireToken)
    {
        _server = server;
        _requireToken = requireToken;
    }

    /// <summary>Checks the bound addresses; throws REACH-4006 (or REACH-4007) for the first one that may not be bound.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        RunnerHost.CheckBind(string.Join(';', addresses), _requireToken);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
