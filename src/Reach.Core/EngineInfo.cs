namespace Reach.Core;

/// <summary>Engine identity written into every transcript header.</summary>
public static class EngineInfo
{
    /// <summary>The engine id; it changes only when run semantics change, so old transcripts keep replaying.</summary>
    public const string Engine = "reach/1";

    /// <summary>The transcript format version this engine writes and reads.</summary>
    public const int FormatVersion = 1;
}
