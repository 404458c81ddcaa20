namespace Reach.Core.Errors;

/// <summary>Policy decisions (3000), bundles (3100), calls and transcripts given to the policy commands (3200), tests and lint (3300).</summary>
public static partial class ErrorCatalog
{
    // 3000: policy decisions
    /// <summary>No rule of the bundle permits the call.</summary>
    public static readonly ErrorCode PolicyNoPermit = Define("REACH-3001", ErrorKind.Negative, "Denied: no rule of the policy permits this call (default deny)", "Add a permit rule that matches the call, if the agent should make it; `reach policy explain` shows which rules came close.");
    /// <summary>A forbid rule matched the call.</summary>
    public static readonly ErrorCode PolicyForbidden = Define("REACH-3002", ErrorKind.Negative, "Denied: a forbid rule of the policy matched this call", "Read the rule's message; change the call so the rule no longer matches, or change the rule.");
    /// <summary>The call would exceed a rule's max_calls.</summary>
    public static readonly ErrorCode PolicyCallLimit = Define("REACH-3003", ErrorKind.Negative, "Denied: the call would exceed a policy rule's max_calls", "Make fewer calls of the tools the rule matches, or raise the rule's limits.max_calls.");
    /// <summary>The call would exceed a rule's max_cost.</summary>
    public static readonly ErrorCode PolicyCostLimit = Define("REACH-3004", ErrorKind.Negative, "Denied: the call would exceed a policy rule's max_cost", "Use cheaper tools, or raise the rule's limits.max_cost.");

    // 3100: bundles
    /// <summary>The bundle file does not exist.</summary>
    public static readonly ErrorCode PolicyBundleNotFound = Define("REACH-3101", ErrorKind.Input, "The policy bundle file does not exist", "Check the path; the examples are under policies/<name>/policy.json.");
    /// <summary>The bundle is not valid JSON.</summary>
    public static readonly ErrorCode PolicyBundleInvalidJson = Define("REACH-3102", ErrorKind.Input, "The policy bundle is not valid JSON", "Fix the JSON at the reported line and column.");
    /// <summary>The bundle does not match the schema.</summary>
    public static readonly ErrorCode PolicyBundleInvalid = Define("REACH-3103", ErrorKind.Input, "The policy bundle does not match its schema", "Fix the member at the reported JSON pointer; protocol/schemas/policy-bundle.schema.json and docs/POLICY_GATE.md describe every field.");
    /// <summary>A condition names an unknown operator.</summary>
    public static readonly ErrorCode PolicyUnknownOperator = Define("REACH-3104", ErrorKind.Input, "A condition names an unknown operator", "Use one of eq, ne, in, not_in, glob, regex, lt, le, gt, ge, exists.");
    /// <summary>A regular expression does not compile.</summary>
    public static readonly ErrorCode PolicyInvalidRegex = Define("REACH-3105", ErrorKind.Input, "A regular expression does not compile", "Fix the pattern; .NET's non-backtracking engine refuses lookarounds and backreferences.");
    /// <summary>Conditions nest deeper than the limit.</summary>
    public static readonly ErrorCode PolicyTooDeep = Define("REACH-3106", ErrorKind.Input, "Conditions nest deeper than 16 levels", "Flatten the all/any/not tree.");
    /// <summary>A condition compares a field with a value of the wrong type.</summary>
    public static readonly ErrorCode PolicyFieldType = Define("REACH-3107", ErrorKind.Input, "A condition does not fit the type of its field", "Compare numeric fields with numbers (lt, le, gt, ge, eq) and text fields with strings (eq, glob, regex, in).");
    /// <summary>A condition names a field the context does not have.</summary>
    public static readonly ErrorCode PolicyUnknownField = Define("REACH-3108", ErrorKind.Input, "A condition names a field the call context does not have", "Use args.*, inputs.*, tool, permissions, pack.name, pack.version, pack.signer, step.index, step.id, usage.*, calls.<tool> or a JSON pointer such as /args/path.");
    /// <summary>Two rules share an id.</summary>
    public static readonly ErrorCode PolicyDuplicateRuleId = Define("REACH-3109", ErrorKind.Input, "Two rules have the same id", "Give every rule its own id; decisions and tests name rules by id.");
    /// <summary>The policy mode is not enforce or warn.</summary>
    public static readonly ErrorCode PolicyModeInvalid = Define("REACH-3110", ErrorKind.Input, "The policy mode is neither enforce nor warn", "Pass --policy-mode enforce or --policy-mode warn (or set REACH_POLICY_MODE to one of them).");

    // 3200: calls and transcripts given to the policy commands
    /// <summary>A call file is malformed.</summary>
    public static readonly ErrorCode PolicyCallInvalid = Define("REACH-3201", ErrorKind.Input, "The call file is malformed", "A call is a JSON object with at least \"tool\"; docs/POLICY_GATE.md shows every member.");
    /// <summary>The event is not a call's policy decision.</summary>
    public static readonly ErrorCode PolicyEventNotDecision = Define("REACH-3202", ErrorKind.Input, "That event is not a policy decision of a call", "Pass the sequence number of a policy.decision event; `reach policy decisions <transcript>` lists them.");

    // 3300: tests and lint
    /// <summary>Policy test cases failed.</summary>
    public static readonly ErrorCode PolicyTestFailed = Define("REACH-3301", ErrorKind.Negative, "Policy test cases failed", "Read each failed case's expected and actual decision; fix the rule or the case.");
    /// <summary>A policy test file is malformed or no tests were found.</summary>
    public static readonly ErrorCode PolicyTestInvalid = Define("REACH-3302", ErrorKind.Input, "The policy tests are malformed or missing", "Put a policy.json and tests/*.json files of {\"cases\":[…]} in the directory; docs/POLICY_GATE.md shows the format.");
    /// <summary>Lint found errors.</summary>
    public static readonly ErrorCode PolicyLintFailed = Define("REACH-3303", ErrorKind.Negative, "The policy bundle has lint errors", "Fix each finding at its JSON pointer; warnings alone do not fail lint.");
}
