using System.Net;

namespace Reach.Runner;

/// <summary>
/// Counts failed authentications per client address in fixed one-minute windows (<c>auth_failures_per_minute</c>):
/// once an address reaches the limit, it is refused until its window ends. The request rate limit cannot do this job:
/// it keys on the credential, which a failed attempt does not have, and runs after authentication.
/// </summary>
internal sealed class FailedAuthentications
{
    /// <summary>The window over which failures are counted.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Past this many addresses, expired windows are dropped; live ones are kept so a flood of addresses cannot reset a lockout.
    private const int PruneAbove = 10_000;

    private readonly int _limit;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset Start, int Count)> _windows = new(StringComparer.Ordinal);

    /// <param name="limit">Failures an address may make in a window; 0 turns the limit off.</param>
    /// <param name="clock">The runner's clock, which drives the windows.</param>
    public FailedAuthentications(int limit, TimeProvider clock)
    {
        _limit = limit;
        _clock = clock;
    }

    /// <summary>How long <paramref name="address"/> is still refused, or null when it may try.</summary>
    public TimeSpan? LockedFor(IPAddress? address)
    {
        if (_limit == 0)
        {
            return null;
        }

        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            return _windows.TryGetValue(Key(address), out var window) && window.Count >= _limit && window.Start + Window > now
                ? window.Start + Window - now
                : null;
        }
    }

    /// <summary>Counts one failed authentication of <paramref name="address"/>.</summary>
    public void Record(IPAddress? address)
    {
        if (_limit == 0)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        var key = Key(address);
        lock (_gate)
        {
            if (_windows.Count > PruneAbove)
            {
                foreach (var (stale, _) in _windows.Where(w => w.Value.Start + Window <= now).ToList())
                {
                    _windows.Remove(stale);
                }
            }

            _windows[key] = _windows.TryGetValue(key, out var window) && window.Start + Window > now
                ? (window.Start, window.Count + 1)
                : (now, 1);
        }
    }

    // An IPv6 client usually holds a whole /64, so one is counted as one address; IPv4-mapped addresses count as IPv4.
    private static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            return "v6:" + Convert.ToHexStringLower(bytes, 0, 8);
        }

        return address.ToString();
    }
}
