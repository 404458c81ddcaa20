namespace Reach.Core.Errors;

/// <summary>5000: pack validation (<c>reach pack validate</c>) and pack templates (<c>reach pack init</c>).</summary>
public static partial class ErrorCatalog
{
    /// <summary>The pack failed validation: schema or lint errors.</summary>
    public static readonly ErrorCode PackValidationFailed = Define("REACH-5001", ErrorKind.Negative, "The pack has validation errors", "Fix each error `reach pack validate` lists (it names the rule, the place and the fix), then validate again.");
    /// <summary>pack.json exists but cannot be read.</summary>
    public static readonly ErrorCode ManifestUnreadable = Define("REACH-5002", ErrorKind.Input, "pack.json cannot be read", "Check that pack.json is a readable file.");
    /// <summary>No template with that name.</summary>
    public static readonly ErrorCode TemplateUnknown = Define("REACH-5010", ErrorKind.Input, "No pack template with that name", "Use one of the templates `reach pack init --help` lists: minimal, files-and-processes, policy-governed, with-replay-tests.");
    /// <summary>The directory a template would be written to already exists.</summary>
    public static readonly ErrorCode TemplateTargetExists = Define("REACH-5011", ErrorKind.Input, "The target directory already exists", "Choose another name or --dir; `reach pack init` never overwrites anything.");
    /// <summary>The name given to a new pack is not a valid pack name.</summary>
    public static readonly ErrorCode PackNameInvalid = Define("REACH-5012", ErrorKind.Input, "The pack name is not valid", "Use 1 to 64 lowercase letters, digits and '-', starting with a letter or digit, e.g. my-pack.");
    /// <summary>The template's files could not be written.</summary>
    public static readonly ErrorCode TemplateWriteFailed = Define("REACH-5013", ErrorKind.Environment, "The template could not be written", "Check that the parent directory exists and is writable.");
}
