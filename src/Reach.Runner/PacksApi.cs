using Reach.Core.Gates;
using Reach.Packs.Install;
using Reach.Packs.Keys;
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
        packs.MapPost("/install", Install).WithName("installPack").WithMetadata(new RequestBody(typeof(InstallPackBody), "pack")).Produces<InstalledBody>();
        packs.MapPost("/verify", Verify).WithName("verifyPack").WithMetadata(new RequestBody(typeof(VerifyPackBody), "path")).Produces<PackVerifiedBody>();
        routes.MapGroup("/v1/policies").WithTags("policies").MapPost("/evaluate", Evaluate).WithName("evaluatePolicy").WithMetadata(new RequestBody(typeof(EvaluatePolicyBody), "bundle", "call")).Produces<PolicyDecisionBody>();
        return routes;
    }

    private static IResult List(RunnerOptions options)
    {
        var directory = PacksDirectory(options);
        var installed = File.Exists(Path.Combine(directory, InstallLock.FileName)) ? InstallLock.Read(directory).Packs : [];
        return Results.Json(new PackListBody([.. installed.Select(p => new InstalledPackBody(p.Key, p.Value.Version, p.Value.Digest, p.Value.KeyId, p.Value.Registry, Path.Combine(directory, p.Value.Path)))]), RunnerHost.Json);
    }

    private static async Task<IResult> Install(HttpRequest request, RunnerOptions options)
    {
        var (body, _) = await ApiRequests.ReadObjectAsync(request).ConfigureAwait(false);
        var spec = ApiRequests.RequiredString(body, "pack");
        var config = new RegistryConfig(Path.Combine(options.Home, "registries.json"));
        var registries = ApiRequests.OptionalString(body, "registry") is { } only ? [config.Get(only).Open()] : config.List().ConvertAll(r => r.Open());
        var (source, entry) = PackInstaller.Find(registries, spec);
        var installer = new PackInstaller(PacksDirectory(options), Trusted(options), Cache(options));
        var result = installer.Install(source, entry, allowDowngrade: false);
        return Results.Json(new InstalledBody(result.Name, result.Version, result.Digest, result.KeyId, result.Signer, result.Registry, result.Directory, result.PreviousVersion, result.AlreadyInstalled), RunnerHost.Json);
    }

    private static async Task<IResult> Verify(HttpRequest request, RunnerOptions options)
    {
        var (body, _) = await ApiRequests.ReadObjectAsync(request).ConfigureAwait(false);
        var verified = PackVerifier.Verify(ApiRequests.RequiredString(body, "path"), Trusted(options), Cache(options));
        return Results.Json(new PackVerifiedBody(true, verified.Name, verified.Version, verified.Digest.ToString(), verified.KeyId.ToString(), verified.Signer), RunnerHost.Json);
    }

    private static async Task<IResult> Evaluate(HttpRequest request)
    {
        var (body, _) = await ApiRequests.ReadObjectAsync(request).ConfigureAwait(false);
        var bundle = PolicyCompiler.LoadFile(Path.GetFullPath(ApiRequests.RequiredString(body, "bundle")));
        var call = ApiRequests.OptionalObject(body, "call") ?? throw ApiRequests.Invalid("call", "an object (the call file format of 'reach policy explain')");
        var mode = ApiRequests.OptionalString(body, "mode") is { } text ? PolicyModes.Parse(text) : PolicyMode.Enforce;
        var decision = new PolicyGate(bundle, mode).Decide(CallFile.FromElement(call, "call"));
        return Results.Json(
            new PolicyDecisionBody(decision.Effect == GateEffect.Permit, decision.Effect == GateEffect.Permit ? "permit" : "deny", decision.Code?.Code, decision.Reason, decision.Rules, decision.Mode, decision.WouldDeny ? true : null, bundle.Digest.ToString()),
            RunnerHost.Json);
    }

    private static string PacksDirectory(RunnerOptions options) => Path.Combine(options.Home, "packs");

    private static IReadOnlyDictionary<KeyId, TrustedKey> Trusted(RunnerOptions options) => new KeyStore(Path.Combine(options.Home, "keys")).Trusted();

    private static SignatureCache Cache(RunnerOptions options) => new(Path.Combine(options.Home, "cache", "signatures"));
}

internal sealed record InstalledPackBody(string Name, string Version, string Digest, string KeyId, string Registry, string Path);

internal sealed record PackListBody(IReadOnlyList<InstalledPackBody> Packs);

internal sealed record InstalledBody(string Name, string Version, string Digest, string KeyId, string Signer, string Registry, string Directory, string? PreviousVersion, bool AlreadyInstalled);

internal sealed record PackVerifiedBody(bool Ok, string Name, string Version, string Digest, string KeyId, string Signer);

internal sealed record PolicyDecisionBody(bool Allowed, string Effect, string? Code, string Reason, IReadOnlyList<string> Rules, string? Mode, bool? WouldDeny, string Bundle);
