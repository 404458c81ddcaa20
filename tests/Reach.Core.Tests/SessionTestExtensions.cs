using System.Text.Json;
using Reach.Core.Engine;
using Reach.Core.Packs;
using Reach.Core.Replay;

namespace Reach.Core.Tests;

/// <summary>
/// The engine's async path, driven step by step from synchronous tests and CsCheck properties: every gate and effect
/// in these tests completes synchronously, so waiting here never blocks on anything.
/// </summary>
internal static class SessionTestExtensions
{
    public static CallOutcome Propose(this RunSession session, string tool, JsonElement input, string? stepId, long index) =>
        session.ProposeAsync(new ProposedCall(tool, input, stepId, index), CallExecution.Here).AsTask().GetAwaiter().GetResult();

    public static JsonElement Execute(this Reach.Core.Tools.ITool tool, JsonElement input, Reach.Core.Tools.ToolContext context) =>
        tool.ExecuteAsync(input, context, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public static GateCheck Evaluate(this RunSession session, string tool, JsonElement input, string? stepId, long index) =>
        session.EvaluateAsync(new ProposedCall(tool, input, stepId, index)).AsTask().GetAwaiter().GetResult();
}

/// <summary>Pack runs and replays, waited for (see <see cref="SessionTestExtensions"/>).</summary>
internal static class TestRuns
{
    public static RunResult Execute(LoadedPack pack, JsonElement inputs, SessionOptionsTemplate options) =>
        PackRun.ExecuteAsync(pack, inputs, options).AsTask().GetAwaiter().GetResult();

    public static ReplayReport Replay(byte[] transcript, LoadedPack pack, Reach.Core.Gates.IPolicyGate? policy = null, Reach.Core.Tools.ToolRegistry? tools = null) =>
        Replayer.ReplayAsync(transcript, pack, policy, tools).AsTask().GetAwaiter().GetResult();
}
