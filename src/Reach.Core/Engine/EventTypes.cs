namespace Reach.Core.Engine;

/// <summary>The event types a run records (docs/EVENT_MODEL.md describes each one's data).</summary>
public static class EventTypes
{
    /// <summary>The run began: pack, inputs, budgets and the first clock reading.</summary>
    public const string RunStarted = "run.started";

    /// <summary>A step began: its index, id, tool, resolved input and a clock reading.</summary>
    public const string StepStarted = "step.started";

    /// <summary>The policy gate decided.</summary>
    public const string PolicyDecision = "policy.decision";

    /// <summary>The budget gate decided.</summary>
    public const string BudgetDecision = "budget.decision";

    /// <summary>A tool returned an output.</summary>
    public const string ToolResult = "tool.result";

    /// <summary>A tool failed.</summary>
    public const string ToolError = "tool.error";

    /// <summary>The run ended: status, code and reason, usage, output and a clock reading.</summary>
    public const string RunFinished = "run.finished";

    /// <summary>A runner session opened a child session (reserving its budget), or the spawn limits or the budget refused it.</summary>
    public const string SessionSpawn = "session.spawn";

    /// <summary>A child session closed and gave back the part of its reserved budget it did not use.</summary>
    public const string SessionReturn = "session.return";
}
