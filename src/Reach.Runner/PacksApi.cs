using Reach.Core.Gates;
using Reach.Packs.Install;
using Reach.Packs.Registry;
using Reach.Packs.Signing;
using Reach.Policy;
using Reach.Policy.Calls;
using Reach.Policy.Compilation;

namespace Reach.Runner;

/// <summary>
/// <c>/v1/packs</c> (installed packs, install from a configured registry, verify) and <c>/v1/policies/evaluate</c>:
/// thin maps onto the packs and policy libraries, with REACH_HOME's registries, trusted keys and signature cache, as
/// <c>reach pack …</c> and <c>reach policy explain</c> use them.
/// </summary>
internal static class PacksApi
{
    public static IEndpointRouteBuilder MapPacksApi(this IEndpointRouteBuilder routes)
    {
        var packs = routes.MapGroup("/v1/packs").WithTags("packs");
        packs.MapGet("/", List).WithName("listPacks").Produces<PackListBody>();
        packs.MapPost("/install", Install).WithName("installPack").WithMetadata(new RequestBody(typeof(InstallPackBody))).Produces<InstalledBody>();
        packs.MapPost("/verify", Verify).WithName("verifyPack").WithMetadata(new RequestBody(typeof(VerifyPackBody))).Produces<PackVerifiedBody>();
        routes.MapGroup("/v1/policies").WithTags("policies").MapPost("/evaluate", Evaluate).WithName("evaluatePolicy").WithMetadata(new RequestBody(typeof(EvaluatePolicyBody))).Produces<PolicyDecisionBody>();
        return routes;
    }

    // The tenant's own installs, then the operator's (a tenant's install of a name shadows the operator's for it alone);
    // each with its path inside its packs directory, never the server's.
    private static JsonHttpResult<PackListBody> List(HttpRequest request, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var listed = new List<InstalledPackBody>();
        foreach (var (directory, scope) in new[] { (sessions.Sources.TenantPacks(tenant), "tenant"), (sessions.Sources.SharedPacks, "runner") })
        {
            var installed = File.Exists(Path.Combine(directory, InstallLock.FileName)) ? InstallLock.Read(directory).Packs : [];
            listed.AddRange(installed.Where(p => scope == "tenant" || listed.All(l => l.Name != p.Key)).Select(p => new InstalledPackBody(p.Key, p.Value.Version, p.Value.Digest, p.Value.KeyId, p.Value.Registry, Relative(p.Value.Path), scope)));
        }

        return TypedResults.Json(new PackListBody(listed), RunnerJsonContext.Api.PackListBody);
    }

    // Installs for the request's tenant only: another tenant's "pack":"NAME" still resolves as before.
    private static async Task<IResult> Install(HttpRequest request, RunnerOptions options, SessionRegistry sessions)
    {
        var tenant = Tenants.Of(request);
        var (body, _) = await ApiRequests.ReadAsync(request, RunnerJsonContext.Api.InstallPackBody).ConfigureAwait(false);
        var spec = ApiRequests.NonEmpty(body.Pack, "pack");
        var config = new RegistryConfig(Path.Combine(options.Home, "registries.json"));
        var registries = ApiRequests.NonEmptyOrNone(body.Registry, "registry") is { } only ? [config.Get(only).Open()] : config.List().ConvertAll(r => r.Open());
        var (source, entry) = PackInstaller.Find(registries, spec);
        var packs = sessions.Sources.TenantPacks(tenant);
        var installer = new PackInstaller(packs, sessions.Sources.Trusted(), sessions.Sources.Cache());
        var result = installer.Install(source, entry, allowDowngrade: false);
        return TypedResults.Json(new InstalledBody(result.Name, result.Version, result.Digest, result.KeyId, result.Signer, result.Registry, Relative(Path.GetRelativePath(packs, result.Directory)), result.PreviousVersion, result.AlreadyInstalled), RunnerJsonContext.Api.InstalledBody);
    }

    private static async Task<IResult> Verify(HttpRequest request, SessionRegistry sessions)
    {
        var (body, _) = await ApiRequests.ReadAsync(request, RunnerJsonContext.Api.VerifyPackBody).ConfigureAwait(false);
        var directory = sessions.Sources.ResolvePack(Tenants.Of(request), ApiRequests.NonEmpty(body.Pack, "pack"));
        var verified = PackVerifier.Verify(directory, sessions.Sources.Trusted(), sessions.Sources.Cache());
        return TypedResults.Json(new PackVerifiedBody(true, verified.Name, verified.Version, verified.Digest.ToString(), verified.KeyId.ToString(), verified.Signer), RunnerJsonContext.Api.PackVerifiedBody);
    }

    private static async Task<IResult> Evaluate(HttpRequest request, SessionRegistry sessions)
    {
        var (body, _) = await ApiRequests.ReadAsync(request, RunnerJsonContext.Api.EvaluatePolicyBody).ConfigureAwait(false);
        var given = body.Bundle is { ValueKind: not JsonValueKind.Null } bundleGiven ? bundleGiven : throw ApiRequests.Invalid("bundle", "a policy name or a policy bundle object");
        var (bundle, _) = sessions.Sources.ResolvePolicy(Tenants.Of(request), given, "bundle");
        var call = ApiRequests.ObjectOrNone(body.Call, "call") ?? throw ApiRequests.Invalid("call", "an object (the call file format of 'reach policy explain')");
        var mode = ApiRequests.NonEmptyOrNone(body.Mode, "mode") is { } text ? PolicyModes.Parse(text) : PolicyMode.Enforce;
        var decision = CallGates.Decide(new PolicyGate(bundle, mode), CallFile.FromElement(call, "call"));
        return TypedResults.Json(
            new PolicyDecisionBody(decision.Effect == GateEffect.Permit, decision.Effect == GateEffect.Permit ? "permit" : "deny", decision.Code?.Code, decision.Reason, decision.Rules, decision.Mode, decision.WouldDeny ? true : null, bundle.Digest.ToString()),
            RunnerJsonContext.Api.PolicyDecisionBody);
    }

    // A path inside a packs directory, with '/' on every system.
    private static string Relative(string path) => path.Replace('\\', '/');
}

/// <summary>An installed pack; <c>path</c> is inside its packs directory, <c>scope</c> is <c>tenant</c> (installed over the API for this tenant) or <c>runner</c> (by the operator).</summary>
internal sealed record InstalledPackBody(string Name, string Version, string Digest, string KeyId, string Registry, string Path, string Scope);

internal sealed record PackListBody(IReadOnlyList<InstalledPackBody> Packs);

internal sealed record InstalledBody(string Name, string Version, string Digest, string KeyId, string Signer, string Registry, string Directory, string? PreviousVersion, bool AlreadyInstalled);

internal sealed record PackVerifiedBody(bool Ok, string Name, string Version, string Digest, string KeyId, string Signer);

internal sealed record PolicyDecisionBody(bool Allowed, string Effect, string? Code, string Reason, IReadOnlyList<string> Rules, string? Mode, bool? WouldDeny, string Bundle);
