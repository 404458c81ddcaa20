namespace Reach.Core;

/// <summary>Engine identity written into every transcript header.</summary>
public static class EngineInfo
{
    /// <summary>The engine id; it changes only when run semantics change.</summary>
    public const string Engine = "reach/1";
}
