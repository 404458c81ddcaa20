using Reach.Core.Packs;

namespace Reach.Mcp.Gateway;

/// <summary>Parses <c>--budget max_tool_calls=N,max_cost=C,max_duration=30s</c>.</summary>
public static class BudgetText
{
    /// <summary>The budgets <paramref name="text"/> names (none when null); REACH-6041 when malformed.</summary>
    public static Budgets Parse(string? text)
    {
        var budgets = new Budgets();
        if (string.IsNullOrWhiteSpace(text))
        {
            return budgets;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? string.Empty : part[(equals + 1)..];
            budgets = key switch
            {
                "max_tool_calls" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var calls) => budgets with { MaxToolCalls = calls },
                "max_steps" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var steps) => budgets with { MaxSteps = steps },
                "max_cost" when decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cost) => budgets with { MaxCost = cost },
                "max_duration" when DurationText.TryParse(value, out var duration) => budgets with { MaxDuration = duration },
                _ => throw new ReachException(ErrorCatalog.McpBudgetInvalid, $"'{part}' is not a budget: use max_tool_calls=N, max_steps=N, max_cost=C or max_duration=30s, separated by commas."),
            };
        }

        return budgets;
    }
}
