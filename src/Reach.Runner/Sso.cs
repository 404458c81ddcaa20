using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Reach.Core.Errors;

namespace Reach.Runner;

/// <summary>
/// Single sign-on (<c>enable_sso</c>): OpenID Connect bearer tokens checked by ASP.NET Core's JwtBearer handler against
/// an issuer, an audience and signing keys read from local files (<c>REACH_HOME/sso.json</c> and the JWKS it names,
/// so no network is needed), with one claim naming the tenant.
/// </summary>
internal sealed class Sso
{
    /// <summary>The settings file under REACH_HOME.</summary>
    public const string FileName = "sso.json";

    private Sso(string issuer, string audience, string tenantClaim, IReadOnlyList<SecurityKey> keys)
    {
        Issuer = issuer;
        Audience = audience;
        TenantClaim = tenantClaim;
        Keys = keys;
    }

    public string Issuer { get; }

    public string Audience { get; }

    public string TenantClaim { get; }

    public IReadOnlyList<SecurityKey> Keys { get; }

    /// <summary>Reads <c>REACH_HOME/sso.json</c> (<c>{"issuer","audience","tenant_claim","signing_keys"}</c>); REACH-4019 when it is missing or wrong.</summary>
    public static Sso Load(string home)
    {
        var path = Path.Combine(home, FileName);
        if (!File.Exists(path))
        {
            throw new ReachException(ErrorCatalog.RunnerSsoInvalid, $"enable_sso is on but {path} does not exist.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            string Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
                ? s
                : throw new ReachException(ErrorCatalog.RunnerSsoInvalid, $"{path}: '{name}' must be a non-empty string.");
            var jwks = Path.GetFullPath(Text("signing_keys"), home);
            var keys = new JsonWebKeySet(File.ReadAllText(jwks)).GetSigningKeys();
            if (keys.Count == 0)
            {
                throw new ReachException(ErrorCatalog.RunnerSsoInvalid, $"{jwks} holds no signing key.");
            }

            var claim = root.TryGetProperty("tenant_claim", out _) ? Text("tenant_claim") : "tenant";
            return new Sso(Text("issuer"), Text("audience"), claim, [.. keys]);
        }
        catch (Exception ex) when (ex is JsonException or IOException or ArgumentException)
        {
            throw new ReachException(ErrorCatalog.RunnerSsoInvalid, $"The SSO settings cannot be read: {ex.Message}");
        }
    }

    /// <summary>Registers the JwtBearer handler with these settings.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Audience,
                IssuerSigningKeys = Keys,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
    }

    /// <summary>Validates the request's bearer token; returns its tenant claim and subject. REACH-4014 when it does not validate.</summary>
    public async Task<(string Tenant, string Caller)> AuthenticateAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is null)
        {
            throw new ReachException(ErrorCatalog.RunnerUnauthorized, $"The bearer token did not validate: {result.Failure?.Message ?? "no token"}");
        }

        var tenant = result.Principal.FindFirst(TenantClaim)?.Value
            ?? throw new ReachException(ErrorCatalog.RunnerUnauthorized, $"The bearer token has no '{TenantClaim}' claim to name its tenant.");
        try
        {
            Tenants.Check(tenant);
        }
        catch (ReachException)
        {
            throw new ReachException(ErrorCatalog.RunnerUnauthorized, $"The bearer token's '{TenantClaim}' claim is not a tenant name (1 to 64 letters, digits, '.', '_' or '-').");
        }

        return (tenant, "sso:" + (result.Principal.FindFirst("sub")?.Value ?? "unknown"));
    }
}
