namespace Reach.Policy;

/// <summary>What the gate does with a denial.</summary>
public enum PolicyMode
{
    /// <summary>A denial refuses the call and ends the run.</summary>
    Enforce,

    /// <summary>A denial is recorded (<c>would_deny</c>) and the call is permitted.</summary>
    Warn,
}

/// <summary>Parses and names modes.</summary>
public static class PolicyModes
{
    /// <summary>The text form: <c>enforce</c> or <c>warn</c>.</summary>
    public static string Name(PolicyMode mode) => mode == PolicyMode.Warn ? "warn" : "enforce";

    /// <summary>Parses <c>enforce</c> or <c>warn</c>; REACH-3110 otherwise.</summary>
    public static PolicyMode Parse(string text) => text switch
    {
        "enforce" => PolicyMode.Enforce,
        "warn" => PolicyMode.Warn,
        _ => throw new ReachException(ErrorCatalog.PolicyModeInvalid, $"'{text}' is not a policy mode; use enforce or warn."),
    };
}
