using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Core.Json;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Mcp.Connectors;

namespace Reach.Mcp.Gateway;

/// <summary>
/// A connector's pins seen as a pack, so the one session path (<see cref="RunSession"/>) gates MCP calls like any
/// others: each pinned tool is declared as <c>&lt;connector&gt;/&lt;tool&gt;</c> with the permissions its annotations
/// claim and a cost of 1, the budgets come from <c>--budget</c>, and the pack digest is the pins' digest.
/// </summary>
public sealed class GatewayPack
{
    /// <summary>The pack-name prefix that marks a transcript as the gateway's.</summary>
    public const string NamePrefix = "mcp/";

    /// <summary>The version every gateway pack carries.</summary>
    public const string PackVersion = "1.0.0";

    /// <summary>The cost of one call, for <c>max_cost</c>.</summary>
    public const decimal CallCost = 1m;

    private GatewayPack(ConnectorPins pins, LoadedPack pack, ToolRegistry tools)
    {
        Pins = pins;
        Pack = pack;
        Tools = tools;
    }

    /// <summary>The pins.</summary>
    public ConnectorPins Pins { get; }

    /// <summary>The synthetic pack.</summary>
    public LoadedPack Pack { get; }

    /// <summary>The pinned tools as Core tools (never executed by Core: the gateway forwards them).</summary>
    public ToolRegistry Tools { get; }

    /// <summary>The connector's name.</summary>
    public string Connector => Pins.Connector;

    /// <summary>The gateway's name of a server's tool.</summary>
    public string QualifiedName(string tool) => Connector + "/" + tool;

    /// <summary>
    /// For a transcript whose pack is a gateway's (<c>mcp/&lt;connector&gt;</c>), what each pinned tool (by its
    /// qualified name) claims as permissions, from the connector's pins in <paramref name="home"/> as they are now
    /// (as replay reads them); null for any other pack, or a connector that is gone or unpinned.
    /// </summary>
    public static Func<string, IReadOnlyList<string>?>? PermissionsFor(string home, string packName)
    {
        ArgumentNullException.ThrowIfNull(packName);
        if (!packName.StartsWith(NamePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var connector = packName[NamePrefix.Length..];
        ConnectorPins? pins;
        try
        {
            ConnectorStore.CheckName(connector);
            pins = new ConnectorStore(home).FindPins(connector);
        }
        catch (Core.Errors.ReachException)
        {
            return null;
        }

        if (pins is null)
        {
            return null;
        }

        var permissions = pins.Tools.ToDictionary(t => connector + "/" + t.Name, t => ToolDefinition.Permissions(t.Definition), StringComparer.Ordinal);
        return name => permissions.GetValueOrDefault(name);
    }

    /// <summary>Builds the pack of <paramref name="pins"/> with <paramref name="budgets"/>.</summary>
    public static GatewayPack Create(ConnectorPins pins, Budgets budgets)
    {
        ArgumentNullException.ThrowIfNull(pins);
        ArgumentNullException.ThrowIfNull(budgets);
        var declarations = new List<ToolDeclaration>(pins.Tools.Count);
        var tools = new List<ITool>(pins.Tools.Count);
        foreach (var pinned in pins.Tools)
        {
            var name = pins.Connector + "/" + pinned.Name;
            var permissions = ToolDefinition.Permissions(pinned.Definition);
            declarations.Add(new ToolDeclaration { Name = name, Permissions = permissions, Cost = CallCost });
            tools.Add(new ForwardedTool(name, permissions));
        }

        var manifest = new PackManifest
        {
            Name = NamePrefix + pins.Connector,
            Version = PackVersion,
            Description = $"The pinned tools of the MCP connector '{pins.Connector}'.",
            Tools = declarations,
            Budgets = budgets,
        };
        var digest = Sha256Digest.Compute(CanonicalJson.Canonicalize(JsonSerializer.SerializeToUtf8Bytes(pins, McpJsonContext.Default.ConnectorPins)));
        return new GatewayPack(pins, new LoadedPack("mcp:" + pins.Connector, manifest, digest), new ToolRegistry(tools));
    }

    /// <summary>The run's recorded inputs: which connector, over which transport. Never a command line or a secret.</summary>
    public JsonElement Inputs(string transport)
    {
        var text = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["connector"] = Connector,
            ["gateway"] = "mcp",
            ["server"] = Pins.Server,
            ["transport"] = transport,
        }, McpJsonContext.Default.DictionaryStringString);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private sealed class ForwardedTool(string name, IReadOnlyList<string> permissions) : ITool
    {
        public string Name { get; } = name;

        public IReadOnlyList<string> RequiredPermissions { get; } = permissions;

        public bool Deterministic => false;

        public JsonElement Execute(JsonElement input, ToolContext context) =>
            throw new InvalidOperationException($"{Name} is forwarded to its MCP server by the gateway, never executed by Core.");
    }
}

/// <summary>
/// The gateway's first gate: a call of a tool that is not pinned, or whose definition changed since it was pinned, is
/// denied (rule <c>reach.mcp.pinned</c>) before the policy is asked; otherwise the policy decides.
/// </summary>
internal sealed class PinCheckGate : IPolicyGate
{
    public const string Rule = "reach.mcp.pinned";

    private readonly IPolicyGate _inner;

    public PinCheckGate(IPolicyGate inner)
    {
        _inner = inner;
    }

    public Sha256Digest Digest => _inner.Digest;

    /// <summary>The pin check's refusal of the call being proposed, or null when the tool is pinned and unchanged.</summary>
    public PolicyDecision? Refusal { get; set; }

    public PolicyDecision Decide(ToolCallRequest request) => Refusal ?? _inner.Decide(request);
}
