using System.Security.Cryptography;
using System.Text;
using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Tools;
using Reach.Packs.Install;
using Reach.Packs.Keys;
using Reach.Packs.Signing;
using Reach.Policy.Evaluation;
using Reach.Policy.Compilation;

namespace Reach.Runner;

/// <summary>
/// Where the runner finds the packs and policy bundles a client names. A client never gives a server path: a pack is
/// a NAME or NAME@VERSION installed for its tenant (<c>POST /v1/packs/install</c>), installed by the operator
/// (<c>reach pack install</c>, REACH_HOME/packs) or found in a configured pack directory (the directory itself, or a
/// folder in it, whose manifest has that name); a policy is a NAME
/// found as NAME/policy.json or NAME.json in a configured policy directory, or the bundle itself, inline. Each tenant's
/// installs, inline packs and workspaces live under its own root, REACH_HOME/tenants/&lt;tenant&gt;/.
/// </summary>
internal sealed class PackSources
{
    /// <summary>What a session records as its policy when the client sent the bundle inline: this prefix and its digest.</summary>
    public const string InlinePrefix = "inline:";

    private readonly string _tenants;

    public PackSources(string home, IReadOnlyList<string> packDirectories, IReadOnlyList<string> policyDirectories)
    {
        ArgumentNullException.ThrowIfNull(home);
        Home = Path.GetFullPath(home);
        _tenants = Path.Combine(Home, "tenants");
        PackDirectories = [.. packDirectories.Select(Path.GetFullPath)];
        PolicyDirectories = [.. policyDirectories.Select(Path.GetFullPath)];
        foreach (var directory in PackDirectories.Concat(PolicyDirectories))
        {
            if (IsInsideTenantData(directory))
            {
                throw new ReachException(ErrorCatalog.RunnerSourceDirectoryUnsafe, $"The configured directory '{directory}' is inside REACH_HOME's tenant data (workspaces, installs); a session's workspace must never become a pack or policy source.");
            }
        }
    }

    public string Home { get; }

    /// <summary>The operator's pack directories (<c>pack_directories</c>, <c>--pack-dir</c>), full paths.</summary>
    public IReadOnlyList<string> PackDirectories { get; }

    /// <summary>The operator's policy directories (<c>policy_directories</c>, <c>--policy-dir</c>), full paths.</summary>
    public IReadOnlyList<string> PolicyDirectories { get; }

    /// <summary>The packs the operator installed with <c>reach pack install</c>, for every tenant.</summary>
    public string SharedPacks => Path.Combine(Home, "packs");

    /// <summary>
    /// The tenant's own directory. Its name is the tenant in lower case and a digest of the exact tenant, so two
    /// tenants never share one, on a case-insensitive file system too, and no tenant name (<c>..</c>) leaves REACH_HOME/tenants.
    /// </summary>
    public string TenantRoot(string tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)))[..16];
        var readable = new string([.. tenant.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-').Take(32)]);
        return Path.Combine(_tenants, (readable.Length == 0 ? "t" : readable) + "-" + digest);
    }

    /// <summary>The packs the tenant installed over the API; they shadow the operator's for that tenant only.</summary>
    public string TenantPacks(string tenant) => Path.Combine(TenantRoot(tenant), "packs");

    /// <summary>The workspace of one of the tenant's sessions or runs.</summary>
    public string Workspace(string tenant, string runId) => Path.Combine(TenantRoot(tenant), "workspaces", runId);

    /// <summary>
    /// The directory of the pack <paramref name="spec"/> names for <paramref name="tenant"/>: the tenant's installs,
    /// then the operator's, then the pack directories. A spec that is not a name is REACH-4030 and an unknown name
    /// REACH-2001, both without looking at the file system for the client's text.
    /// </summary>
    public string ResolvePack(string tenant, string spec)
    {
        var (name, version) = ParsePackSpec(spec);
        foreach (var installs in new[] { TenantPacks(tenant), SharedPacks })
        {
            if (File.Exists(Path.Combine(installs, InstallLock.FileName))
                && InstallLock.Read(installs).Packs.TryGetValue(name, out var installed)
                && (version is null || installed.Version == version))
            {
                return Checked(Path.Combine(installs, installed.Path), spec, installed: true);
            }
        }

        foreach (var directory in PackDirectories)
        {
            if (FindIn(directory, name, version) is { } found)
            {
                return Checked(found, spec, installed: false);
            }
        }

        throw new ReachException(ErrorCatalog.PackNotFound, $"No pack '{spec}' is installed for this tenant or found in the runner's pack directories.");
    }

    // In a pack directory D: D itself when it is the pack, D/NAME, or any D/*/ whose manifest names it (a pack's name
    // is its manifest's, whatever its folder is called).
    private static string? FindIn(string directory, string name, string? version)
    {
        if (Matches(directory, name, version))
        {
            return directory;
        }

        var named = Path.Combine(directory, name);
        if (Matches(named, name, version))
        {
            return named;
        }

        if (!Directory.Exists(directory))
        {
            return null;
        }

        foreach (var candidate in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            if (Matches(candidate, name, version))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool Matches(string directory, string name, string? version)
    {
        if (!File.Exists(Path.Combine(directory, Core.Packs.PackLoader.ManifestFile)))
        {
            return false;
        }

        try
        {
            var identity = PackIdentity.Read(directory);
            return identity.Name == name && (version is null || identity.Version == version);
        }
        catch (ReachException)
        {
            // A malformed manifest names no pack; the operator sees it with reach pack validate.
            return false;
        }
    }

    /// <summary>
    /// Writes a pack the client sent inline (its manifest) under the tenant's root and returns its directory. Only a
    /// pack of tools the client runs itself is accepted: the runner never executes anything an inline pack declares.
    /// </summary>
    public string WriteInlinePack(string tenant, JsonElement manifest)
    {
        if (manifest.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && ToolRegistry.BuiltIn.Find(n.GetString()!) is not null)
                {
                    throw new ReachException(ErrorCatalog.RunnerInlinePackBuiltIn, $"An inline pack declares the built-in tool '{n.GetString()}'; the runner runs built-in tools only for installed packs or packs in its pack directories.") { Details = ApiRequests.Field("pack") };
                }
            }
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest);
        var directory = Path.Combine(TenantRoot(tenant), "inline-packs", Sha256Digest.Compute(bytes).ToString()["sha256:".Length..]);
        var file = Path.Combine(directory, Core.Packs.PackLoader.ManifestFile);
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(directory);
            var temporary = file + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, file, overwrite: true);
        }

        return directory;
    }

    /// <summary>Refuses (with the pack's own signing problem) a pack that is not signed by a trusted key.</summary>
    public void RequireSigned(string directory)
    {
        try
        {
            PackVerifier.Verify(directory, Trusted(), Cache());
        }
        catch (ReachException ex) when (ex.Error.Kind == ErrorKind.Negative)
        {
            throw new ReachException(ex.Error, $"{ex.Message} This runner requires signed packs (require_signed).") { Details = ex.Details };
        }
    }

    /// <summary>
    /// The bundle a client names or sends: a policy name from the policy directories, or the bundle object itself
    /// (kept under the tenant's root, so a resumed session or a replay finds it). Returns the bundle and what the
    /// session records and answers as its policy: the name, or <c>inline:</c> and the bundle's digest.
    /// </summary>
    public (PolicyBundle Bundle, string Reference) ResolvePolicy(string tenant, JsonElement policy, string field)
    {
        if (policy.ValueKind == JsonValueKind.Object)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(policy);
            var bundle = PolicyCompiler.Compile(bytes);
            var digest = bundle.Digest.ToString()["sha256:".Length..];
            var file = InlinePolicyFile(tenant, digest);
            if (!File.Exists(file))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                var temporary = file + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
                File.WriteAllBytes(temporary, bytes);
                File.Move(temporary, file, overwrite: true);
            }

            return (bundle, InlinePrefix + bundle.Digest);
        }

        if (policy.ValueKind != JsonValueKind.String || policy.GetString() is not { Length: > 0 } name)
        {
            throw ApiRequests.Invalid(field, "a policy name or a policy bundle object");
        }

        return (Load(PolicyFile(name, field), name), name);
    }

    /// <summary>The bundle a stored session recorded (a name, an inline digest, or a path an older runner stored).</summary>
    public PolicyBundle LoadRecordedPolicy(string tenant, string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.StartsWith(InlinePrefix + "sha256:", StringComparison.Ordinal))
        {
            var digest = reference[(InlinePrefix.Length + "sha256:".Length)..];
            return digest.All(char.IsAsciiHexDigitLower) ? Load(InlinePolicyFile(tenant, digest), reference) : throw NoPolicy(reference);
        }

        return Path.IsPathRooted(reference) ? Load(reference, "recorded") : Load(PolicyFile(reference, "policy"), reference);
    }

    /// <summary>What a stored policy reference may be shown as: never a server path (an older runner stored paths).</summary>
    public static string? Shown(string? reference) =>
        reference is not null && Path.IsPathRooted(reference) ? Path.GetFileName(Path.GetDirectoryName(reference)) ?? "policy" : reference;

    /// <summary>
    /// <paramref name="text"/> with the runner's own directories (pack and policy directories, REACH_HOME) named
    /// instead of spelled out: the last guard before a message leaves the runner.
    /// </summary>
    public string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (directory, name) in PackDirectories.Select(d => (d, "<pack directory>")).Concat(PolicyDirectories.Select(d => (d, "<policy directory>"))).Append((Home, "REACH_HOME")).OrderByDescending(p => p.Item1.Length))
        {
            text = text.Replace(directory, name, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The operator's trust store.</summary>
    public IReadOnlyDictionary<Reach.Packs.Keys.KeyId, TrustedKey> Trusted() => new KeyStore(Path.Combine(Home, "keys")).Trusted();

    /// <summary>The operator's signature cache.</summary>
    public SignatureCache Cache() => new(Path.Combine(Home, "cache", "signatures"));

    /// <summary>True when <paramref name="path"/> is REACH_HOME/tenants (or the old REACH_HOME/workspaces) or inside it.</summary>
    public bool IsInsideTenantData(string path)
    {
        var full = Path.GetFullPath(path);
        return Within(full, _tenants) || Within(full, Path.Combine(Home, "workspaces"));
    }

    /// <summary>NAME or NAME@VERSION: a name is a letter or digit then letters, digits, '.', '_' or '-'; anything else is REACH-4030.</summary>
    public static (string Name, string? Version) ParsePackSpec(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (name, version) = PackSpec.Parse(spec);
        return IsName(name) && (version is null || IsName(version) || version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '_') && version.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(version[0]))
            ? (name, version)
            : throw NotAName("pack");
    }

    private string PolicyFile(string name, string field)
    {
        if (!IsName(name))
        {
            throw NotAName(field);
        }

        foreach (var directory in PolicyDirectories)
        {
            foreach (var candidate in new[] { Path.Combine(directory, name, "policy.json"), Path.Combine(directory, name + ".json") })
            {
                if (File.Exists(candidate) && !IsInsideTenantData(candidate))
                {
                    return candidate;
                }
            }
        }

        throw NoPolicy(name);
    }

    private string InlinePolicyFile(string tenant, string digestHex) => Path.Combine(TenantRoot(tenant), "policies", digestHex + ".json");

    // Compiles a bundle the runner found itself; its errors name the policy, never the file's path.
    private static PolicyBundle Load(string file, string shownAs)
    {
        try
        {
            return PolicyCompiler.LoadFile(file);
        }
        catch (ReachException ex)
        {
            throw new ReachException(ex.Error, ex.Message.Replace(file, shownAs, StringComparison.Ordinal)) { Details = ex.Details };
        }
    }

    // A pack found in a pack directory must not lie in tenant data, even through a link left in that directory; an
    // installed pack lies in its packs directory, where only the installer writes.
    private string Checked(string directory, string spec, bool installed)
    {
        string target;
        try
        {
            target = new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? directory;
        }
        catch (IOException)
        {
            target = directory;
        }

        return !installed && (IsInsideTenantData(directory) || IsInsideTenantData(target))
            ? throw new ReachException(ErrorCatalog.PackNotFound, $"No pack '{spec}' is installed for this tenant or found in the runner's pack directories.")
            : directory;
    }

    private static bool IsName(string text) =>
        text.Length is > 0 and <= 128 && char.IsAsciiLetterOrDigit(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static bool Within(string path, string root) =>
        path.Equals(root, StringComparison.Ordinal) || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // The client's text is not echoed: the answer to a path is the same whatever the path, existing or not.
    private static ReachException NotAName(string field) =>
        new(ErrorCatalog.RunnerPathRefused, $"The {field} is not a name; the runner opens packs by NAME or NAME@VERSION and policies by NAME or inline, never by a path.") { Details = ApiRequests.Field(field) };

    private static ReachException NoPolicy(string name) =>
        new(ErrorCatalog.PolicyBundleNotFound, $"No policy '{name}' is found in the runner's policy directories.");
}
