using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Policy.Compilation;
using Reach.Policy.Evaluation;

namespace Reach.Policy.Tests;

/// <summary>Bundles and calls for the tests.</summary>
internal static class PolicyTestData
{

    public static PolicyBundle Compile(string rulesJson) =>
        PolicyCompiler.Compile(Encoding.UTF8.GetBytes($$"""{"id":"t","version":"1","rules":{{rulesJson}}}"""));

    public static ToolCallRequest Call(string tool, string args = "{}", string[]? permissions = null, decimal cost = 0, ToolTally[]? tallies = null, long step = 0, string? signer = null)
    {
        var declaration = new ToolDeclaration { Name = tool, Permissions = permissions ?? [], Cost = cost };
        return new ToolCallRequest
        {
            Tool = tool,
            RequiredPermissions = permissions ?? [],
            Declaration = declaration,
            Input = JsonDocument.Parse(args).RootElement.Clone(),
            Pack = new PackManifest { Name = "p", Version = "1.0.0", Tools = [declaration] },
            StepIndex = step,
            Usage = new BudgetUsage(0, 0, 0, TimeSpan.Zero),
            Tallies = tallies ?? [],
            SignerKeyId = signer,
        };
    }
}
