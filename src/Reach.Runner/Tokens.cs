using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>
/// Reach API tokens: <c>reach_</c> followed by 32 random bytes in hex, shown once when created; the store keeps only
/// the SHA-256 of the secret. A token belongs to one tenant.
/// </summary>
internal static class Tokens
{
    /// <summary>The prefix every Reach token starts with (so a leaked one can be recognised by scanners).</summary>
    public const string Prefix = "reach_";

    /// <summary>Creates a token for <paramref name="tenant"/>: stores its hash and returns the secret (the only time it exists).</summary>
    public static async Task<(StoredToken Token, string Secret)> CreateAsync(IRunnerStore store, string tenant, string name, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        Tenants.Check(tenant);
        if (name.Length is 0 or > 64 || name.Any(char.IsControl))
        {
            throw new ReachException(ErrorCatalog.RunnerRequestInvalid, "A token name is 1 to 64 printable characters.") { Details = ApiRequests.Field("name") };
        }

        var secret = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var token = new StoredToken("tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), tenant, name, Hash(secret), now, null);
        if (!await store.CreateTokenAsync(token, cancellationToken).ConfigureAwait(false))
        {
            throw new ReachException(ErrorCatalog.RunnerStoreUnavailable, "The store refused the new token (an id collision); try again.");
        }

        return (token, secret);
    }

    /// <summary>The hash the store keeps for a secret.</summary>
    public static string Hash(string secret) => Sha256Digest.Compute(System.Text.Encoding.UTF8.GetBytes(secret)).ToString();
}

/// <summary>
/// Authenticates every request except those to an endpoint marked <see cref="Microsoft.AspNetCore.Authorization.IAllowAnonymous"/>
/// (health, readiness, the API description): a Reach token (or, with <c>enable_sso</c>, an OpenID Connect bearer
/// token) fixes the request's tenant; a request naming another tenant is refused. Without a token a request passes
/// only when tokens are not required and it arrived on a loopback address. The decision is made on the endpoint the
/// router chose, never on the path's spelling: unmatched paths (404) and wrong methods (405) are authenticated too.
/// </summary>
internal sealed class TokenAuthenticator
{
    /// <summary>How long a looked-up token is trusted before the store is asked again (so a revocation takes effect within it).</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly IRunnerStore _store;
    private readonly bool _required;
    private readonly Sso? _sso;
    private readonly TimeProvider _clock;
    private readonly FailedAuthentications _failures;
    private readonly ConcurrentDictionary<string, (StoredToken? Token, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public TokenAuthenticator(IRunnerStore store, bool required, Sso? sso, TimeProvider clock, int failuresPerMinute)
    {
        _store = store;
        _required = required;
        _sso = sso;
        _clock = clock;
        _failures = new FailedAuthentications(failuresPerMinute, clock);
    }

    /// <summary>Whether a token is required on every request.</summary>
    public bool Required => _required;

    /// <summary>The middleware; it runs after routing, so the endpoint (or its absence) is known.</summary>
    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        // A locked-out address is not even looked up, so it learns nothing from a right guess either.
        var address = context.Connection.RemoteIpAddress;
        if (_failures.LockedFor(address) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Problems.For(ErrorCatalog.RunnerAuthFailuresLimited, $"Too many failed authentications from this address; retry after {seconds} s.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await AuthenticateAsync(context).ConfigureAwait(false);
        }
        catch (ReachException ex) when (ex.Error == ErrorCatalog.RunnerUnauthorized)
        {
            _failures.Record(address);
            throw;
        }

        await next(context).ConfigureAwait(false);
    }

    private async Task AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            // A runner that other machines reach needs tokens, however its addresses were configured.
            if (_required || !Loopback(context.Connection.LocalIpAddress))
            {
                throw new ReachException(ErrorCatalog.RunnerUnauthorized, "This runner requires a token: send Authorization: Bearer <token>.");
            }

            return;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            throw new ReachException(ErrorCatalog.RunnerUnauthorized, "The Authorization header must be 'Bearer <token>'.");
        }

        var secret = header[7..].Trim();
        string tenant;
        string who;
        string credential;
        if (secret.StartsWith(Tokens.Prefix, StringComparison.Ordinal))
        {
            var token = await LookUpAsync(secret, context.RequestAborted).ConfigureAwait(false);
            if (token is null || token.Revoked is not null)
            {
                throw new ReachException(ErrorCatalog.RunnerUnauthorized, "The token is unknown or revoked.");
            }

            (tenant, who, credential) = (token.Tenant, token.Name, "token:" + token.Id);
        }
        else if (_sso is not null)
        {
            (tenant, who) = await _sso.AuthenticateAsync(context).ConfigureAwait(false);
            credential = who;
        }
        else
        {
            throw new ReachException(ErrorCatalog.RunnerUnauthorized, "The token is not a Reach token (reach_…), and single sign-on (enable_sso) is off.");
        }

        var named = context.Request.Headers[Tenants.Header].ToString();
        if (named.Length > 0 && !string.Equals(named, tenant, StringComparison.Ordinal))
        {
            throw new ReachException(ErrorCatalog.RunnerTenantForbidden, $"The token belongs to the tenant '{tenant}', not '{named}'.");
        }

        context.Items[Tenants.ItemKey] = tenant;
        context.Items[Tenants.CallerKey] = who;
        context.Items[Tenants.CredentialKey] = credential;
    }

    private static bool Loopback(System.Net.IPAddress? address) =>
        address is not null && System.Net.IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private async Task<StoredToken?> LookUpAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = Tokens.Hash(secret);
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Token;
        }

        var token = await _store.FindTokenAsync(hash, cancellationToken).ConfigureAwait(false);
        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }

        _cache[hash] = (token, now + CacheFor);
        return token;
    }
}
