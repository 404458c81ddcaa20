using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Packs;

namespace Reach.Runner;

/// <summary>
/// What a spawn tree's transcripts record that a restarted runner needs: the budget a session started with, what it
/// spent when it finished, and the tools its parent gave it.
/// </summary>
internal static class SpawnRecords
{
    /// <summary>The budgets <c>run.started</c> recorded, or null when the transcript has none.</summary>
    public static Budgets? StartedBudgets(byte[] transcript)
    {
        foreach (var (type, data) in Events(transcript))
        {
            if (type == EventTypes.RunStarted && data.TryGetProperty("budgets", out var budgets))
            {
                return new Budgets
                {
                    MaxSteps = Optional(budgets, "max_steps")?.GetInt64(),
                    MaxToolCalls = Optional(budgets, "max_tool_calls")?.GetInt64(),
                    MaxCost = Optional(budgets, "max_cost")?.GetDecimal(),
                    MaxDuration = Optional(budgets, "max_duration_ms")?.GetInt64() is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                };
            }
        }

        return null;
    }

    /// <summary>The usage <c>run.finished</c> recorded, or null when the session did not finish.</summary>
    public static BudgetUsage? FinishedUsage(byte[] transcript)
    {
        BudgetUsage? usage = null;
        foreach (var (type, data) in Events(transcript))
        {
            if (type == EventTypes.RunFinished && data.TryGetProperty("usage", out var recorded))
            {
                usage = new BudgetUsage(recorded.GetProperty("steps").GetInt64(), recorded.GetProperty("tool_calls").GetInt64(), recorded.GetProperty("cost").GetDecimal(), TimeSpan.FromMilliseconds(recorded.GetProperty("duration_ms").GetInt64()));
            }
        }

        return usage;
    }

    /// <summary>The tools of the permitted <c>session.spawn</c> that opened <paramref name="childId"/>, or null.</summary>
    public static IReadOnlyList<string>? SpawnedTools(byte[] parentTranscript, string childId)
    {
        foreach (var (type, data) in Events(parentTranscript))
        {
            if (type == EventTypes.SessionSpawn && data.TryGetProperty("child", out var child) && child.ValueKind == JsonValueKind.String
                && child.GetString() == childId && data.GetProperty("effect").GetString() == "permit")
            {
                return [.. data.GetProperty("tools").EnumerateArray().Select(t => t.GetString()!)];
            }
        }

        return null;
    }

    private static JsonElement? Optional(JsonElement obj, string name) => obj.TryGetProperty(name, out var value) ? value : null;

    // Each event line's type and data (redacted events have no data and are left out); the header line is skipped.
    private static IEnumerable<(string Type, JsonElement Data)> Events(byte[] transcript)
    {
        var start = Array.IndexOf(transcript, (byte)'\n') + 1;
        while (start > 0 && start < transcript.Length)
        {
            var end = Array.IndexOf(transcript, (byte)'\n', start);
            var length = (end < 0 ? transcript.Length : end) - start;
            using (var document = JsonDocument.Parse(transcript.AsMemory(start, length)))
            {
                var root = document.RootElement;
                if (root.TryGetProperty("type", out var type) && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
                {
                    yield return (type.GetString()!, data.Clone());
                }
            }

            start = end < 0 ? transcript.Length : end + 1;
        }
    }
}
