namespace Reach.Policy.Model;

/// <summary>What a matching rule says about a call.</summary>
public enum RuleEffect
{
    /// <summary>The call may go ahead, unless a forbid or an exceeded limit also applies.</summary>
    Permit,

    /// <summary>The call is refused, whatever permits it.</summary>
    Forbid,
}
