namespace Reach.Packs.Validation;

/// <summary>How much a finding matters: an error fails validation, a warning does not.</summary>
public enum FindingSeverity
{
    /// <summary>The pack should not be run or shared until this is fixed (exit 1).</summary>
    Error,

    /// <summary>Worth fixing; validation still passes (exit 0).</summary>
    Warning,
}
