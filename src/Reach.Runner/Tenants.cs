using Reach.Core.Errors;

namespace Reach.Runner;

/// <summary>The tenant of a request: its token's tenant, else the <c>X-Tenant-ID</c> header, else <see cref="Default"/>.</summary>
internal static class Tenants
{
    /// <summary>The header that names the tenant.</summary>
    public const string Header = "X-Tenant-ID";

    /// <summary>The tenant of a request without the header.</summary>
    public const string Default = "default";

    /// <summary>Where the authenticator leaves the token's tenant.</summary>
    public const string ItemKey = "reach.tenant";

    /// <summary>Where the authenticator leaves the caller's name (the token's name, or the SSO subject).</summary>
    public const string CallerKey = "reach.caller";

    /// <summary>Where the authenticator leaves what identifies the credential (a token's id, or the SSO issuer and subject), for the rate limit.</summary>
    public const string CredentialKey = "reach.credential";

    /// <summary>The request's tenant; a malformed header is REACH-4005.</summary>
    public static string Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Items.TryGetValue(ItemKey, out var fixedTenant) && fixedTenant is string tenant)
        {
            return tenant;
        }

        var value = request.Headers[Header].ToString();
        return value.Length == 0 ? Default : Check(value);
    }

    /// <summary>The credential the authenticator accepted, or null for a request without a token.</summary>
    public static string? CredentialOf(HttpContext context) =>
        context is not null && context.Items.TryGetValue(CredentialKey, out var credential) ? credential as string : null;

    /// <summary>The caller the authenticator named, or null for a request without a token.</summary>
    public static string? CallerOf(HttpContext context) =>
        context is not null && context.Items.TryGetValue(CallerKey, out var caller) ? caller as string : null;

    /// <summary>Checks a tenant name: 1 to 64 letters, digits, '.', '_' or '-'; REACH-4005 otherwise.</summary>
    public static string Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ReachException(ErrorCatalog.RunnerTenantInvalid, $"The tenant '{value}' is not 1 to 64 letters, digits, '.', '_' or '-'.");
        }

        return value;
    }
}
