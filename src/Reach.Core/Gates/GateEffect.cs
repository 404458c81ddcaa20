namespace Reach.Core.Gates;

/// <summary>A gate's answer.</summary>
public enum GateEffect
{
    /// <summary>The call may go ahead.</summary>
    Permit,

    /// <summary>The call is refused.</summary>
    Deny,
}
