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

    /// <summary>The pack-name prefix of the gateway pack a runner records into (<c>--runner</c>): pack names have no '/'.</summary>
    public const string RunnerNamePrefix = "mcp-";

    /// <summary>The version every gateway pack carries.</summary>
    public const string PackVersion = "1.0.0";

    /// <summary>The cost of one call, for <c>max_cost</c>.</summary>
    public const decimal CallCost = 1m;

    private GatewayPack(ConnectorPins pins, LoadedPack pack)
    {
        Pins = pins;
        Pack = pack;
    }

    /// <summary>The pins.</summary>
    public ConnectorPins Pins { get; }

    /// <summary>The synthetic pack.</summary>
    public LoadedPack Pack { get; }

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
        foreach (var pinned in pins.Tools)
        {
            var name = pins.Connector + "/" + pinned.Name;
            var permissions = ToolDefinition.Permissions(pinned.Definition);
            declarations.Add(new ToolDeclaration { Name = name, Permissions = permissions, Cost = CallCost });
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
        return new GatewayPack(pins, new LoadedPack("mcp:" + pins.Connector, manifest, digest));
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
}

/// <summary>
/// The gateway's gate in the pipeline's first place (<see cref="CallGates"/>): a call of a tool that is not pinned, or
/// whose definition changed since it was pinned, is denied (rule <c>reach.mcp.pinned</c>) before the declared tools
/// and the policy are asked. The check itself is the gateway's (it reads the server's current listing).
/// </summary>
internal sealed class PinGate(Func<string, CancellationToken, ValueTask<PolicyDecision?>> check) : ICallGate
{
    public const string Rule = PinRefusals.Rule;

    public string Name => "pin";

    public async ValueTask<Core.Gates.GateVerdict> DecideAsync(GateContext context, CancellationToken cancellationToken) =>
        (context.Refusal ?? await check(context.Request.Tool, cancellationToken).ConfigureAwait(false)) is { } refusal ? new Core.Gates.GateVerdict.Policy(refusal) : Core.Gates.GateVerdict.Pass;

    public Core.Gates.GateVerdict Failed(GateContext context, string reason) => CallGates.PolicyFailure(reason);
}
