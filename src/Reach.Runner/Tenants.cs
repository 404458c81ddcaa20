using Reach.Core.Errors;

namespace Reach.Runner;

/// <summary>The tenant of a request: the <c>X-Tenant-ID</c> header, or <see cref="Default"/>.</summary>
internal static class Tenants
{
    /// <summary>The header that names the tenant.</summary>
    public const string Header = "X-Tenant-ID";

    /// <summary>The tenant of a request without the header.</summary>
    public const string Default = "default";

    /// <summary>The request's tenant; a malformed header is REACH-4005.</summary>
    public static string Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers[Header].ToString();
        if (value.Length == 0)
        {
            return Default;
        }

        if (value.Length > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ReachException(ErrorCatalog.RunnerTenantInvalid, $"The {Header} header '{value}' is not 1 to 64 letters, digits, '.', '_' or '-'.");
        }

        return value;
    }
}
