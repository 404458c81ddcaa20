namespace Reach.Packs.Validation;

/// <summary>How much harm a capability could do if the pack misbehaved; ordered from none to high.</summary>
public enum RiskLevel
{
    /// <summary>Computes only; touches nothing outside the run.</summary>
    None,

    /// <summary>Reads inside the run's workspace.</summary>
    Low,

    /// <summary>Changes files in the workspace or talks to named hosts.</summary>
    Medium,

    /// <summary>Runs programs: anything the program can do, within the workspace's confinement.</summary>
    High,
}
