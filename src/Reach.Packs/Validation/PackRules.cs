namespace Reach.Packs.Validation;

/// <summary>
/// Every rule <c>reach pack validate</c> applies. Ids are stable: a rule may be retired, never renumbered.
/// docs/PACK_FORMAT.md lists the same rules; a test keeps the two equal.
/// </summary>
public static class PackRules
{
    /// <summary>pack.json is JSON and follows protocol/schemas/pack.schema.json.</summary>
    public static readonly PackRule Schema = new("PACK000", FindingSeverity.Error, "pack.json follows the pack schema", "Fix the value at the pointer; docs/PACK_FORMAT.md and protocol/schemas/pack.schema.json describe every field.");

    /// <summary>The version is a semantic version.</summary>
    public static readonly PackRule SemanticVersion = new("PACK001", FindingSeverity.Error, "version is a semantic version (SemVer 2.0)", "Write MAJOR.MINOR.PATCH with an optional -prerelease and +build, e.g. 1.0.0 or 1.2.0-beta.1.");

    /// <summary>The pack says what it does.</summary>
    public static readonly PackRule DescriptionPresent = new("PACK002", FindingSeverity.Warning, "description says what the pack does", "Add \"description\": one or two sentences on what the pack does and what it touches.");

    /// <summary>Every declared tool is used by a step.</summary>
    public static readonly PackRule DeclaredToolUsed = new("PACK003", FindingSeverity.Warning, "every declared tool is used by a step", "Remove the tool from \"tools\": a pack should hold only the permissions it uses.");

    /// <summary>Every tool a step calls is declared.</summary>
    public static readonly PackRule UsedToolDeclared = new("PACK004", FindingSeverity.Error, "every tool a step calls is declared", "Declare the tool in \"tools\" with the permissions it needs; an undeclared call is denied at run time.") { RefusedAtRunTime = true };

    /// <summary>No wildcard permission or host.</summary>
    public static readonly PackRule NoWildcards = new("PACK005", FindingSeverity.Error, "no wildcard permissions or hosts", "Grant each permission by its full name (fs:read, fs:write, proc:exec, net:http) and list each host.");

    /// <summary>The pack has budgets.</summary>
    public static readonly PackRule BudgetsPresent = new("PACK006", FindingSeverity.Error, "budgets are present", "Add \"budgets\" with max_steps, max_tool_calls, max_cost and max_duration; without them a run is not limited.");

    /// <summary>Every budget limit is set.</summary>
    public static readonly PackRule BudgetComplete = new("PACK007", FindingSeverity.Warning, "every budget limit is set", "Set the missing limit in \"budgets\"; a missing limit is not enforced.");

    /// <summary>Step ids are unique.</summary>
    public static readonly PackRule StepIdsUnique = new("PACK008", FindingSeverity.Error, "step ids are unique", "Give every step its own id.");

    /// <summary>References name declared inputs and earlier steps.</summary>
    public static readonly PackRule ReferencesResolve = new("PACK009", FindingSeverity.Error, "references name declared inputs and earlier steps", "Write ${inputs.NAME} for a declared input and ${steps.ID.output...} for a step before this one.");

    /// <summary>Every file in the pack is accounted for by the manifest.</summary>
    public static readonly PackRule FilesAccountedFor = new("PACK010", FindingSeverity.Error, "every file in the pack is accounted for", "Delete the file, or list it (or its folder) in \"files\"; pack.json, README.md, pack.digest and *.minisig need no listing.");

    /// <summary>Every declared tool is granted the permissions it needs.</summary>
    public static readonly PackRule ToolPermissionsGranted = new("PACK011", FindingSeverity.Error, "every declared tool is granted the permissions it needs", "Add the permission to the tool's \"permissions\"; without it every call is denied.") { RefusedAtRunTime = true };

    /// <summary>No tool is granted a permission it does not need.</summary>
    public static readonly PackRule NoExtraPermissions = new("PACK012", FindingSeverity.Warning, "no tool is granted a permission it does not need", "Remove the permission; docs/TOOLS.md lists what each tool needs.");

    /// <summary>Every tool is declared once.</summary>
    public static readonly PackRule ToolDeclaredOnce = new("PACK013", FindingSeverity.Error, "every tool is declared once", "Merge the two declarations into one.");

    /// <summary>The manifest names the pack schema.</summary>
    public static readonly PackRule SchemaNamed = new("PACK014", FindingSeverity.Warning, "pack.json names the pack schema", "Add \"$schema\": \"" + PacksInfo.SchemaId + "\" so editors can check the file as you type.");

    /// <summary>A network tool lists the hosts it may reach, and only a network tool does.</summary>
    public static readonly PackRule HostsListed = new("PACK015", FindingSeverity.Error, "http.get lists the hosts it may reach", "Add \"allow_hosts\" to http.get with each host it needs; without it every request is refused.") { RefusedAtRunTime = true };

    /// <summary>Every path in <c>files</c> names a file or folder in the pack.</summary>
    public static readonly PackRule ListedFilesExist = new("PACK016", FindingSeverity.Error, "every path in files exists in the pack", "Remove the entry or add the file; paths are relative to the pack, with '/' separators, and stay inside it.");

    /// <summary>All rules, by id.</summary>
    public static IReadOnlyList<PackRule> All { get; } =
    [
        Schema, SemanticVersion, DescriptionPresent, DeclaredToolUsed, UsedToolDeclared, NoWildcards, BudgetsPresent, BudgetComplete,
        StepIdsUnique, ReferencesResolve, FilesAccountedFor, ToolPermissionsGranted, NoExtraPermissions, ToolDeclaredOnce, SchemaNamed,
        HostsListed, ListedFilesExist,
    ];
}
