using System.Text.Json.Serialization;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>A pack as the API names it.</summary>
internal sealed record PackRef(string Name, string Version, string Digest);

/// <summary>A gate decision as the API answers it: a denial is an answer (200), not an error status.</summary>
internal sealed record DecisionBody(bool Allowed, string Effect, string? Code, string? Reason, IReadOnlyList<string> Rules, string? Gate);

/// <summary>A tool's failure.</summary>
internal sealed record CallError(string? Code, string? Message);

/// <summary>The answer to a tool call.</summary>
internal sealed record CallResponse(DecisionBody Decision, string Status, JsonElement? Output, CallError? Error, long Seq, string Hash);

/// <summary>The answer to a decide request: what the gates would say now; nothing is recorded.</summary>
internal sealed record DecideResponse(DecisionBody Decision);

/// <summary>A session as the API describes it.</summary>
internal sealed record SessionBody(
    string SessionId,
    string Tenant,
    string Status,
    PackRef Pack,
    IReadOnlyList<string>? Tools,
    string? Policy,
    string? ParentId,
    int Depth,
    string Created,
    string? Closed,
    string? Fingerprint,
    long Events)
{
    public static SessionBody From(StoredSession s, IReadOnlyList<string>? tools = null) => new(
        s.Id,
        s.Tenant,
        s.Status,
        new PackRef(s.PackName, s.PackVersion, s.PackDigest),
        tools,
        PackSources.Shown(s.Policy),
        s.ParentId,
        s.Depth,
        Time(s.Created),
        s.Closed is { } closed ? Time(closed) : null,
        s.Fingerprint,
        s.Events);

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A page of sessions.</summary>
internal sealed record SessionPage(IReadOnlyList<SessionBody> Sessions, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextAfter);

/// <summary>The answer to closing a session.</summary>
internal sealed record ClosedBody(string SessionId, string Status, string Fingerprint, long Events);

/// <summary>A run as the API describes it (<c>running</c> until its transcript is sealed).</summary>
internal sealed record RunBody(string RunId, string Tenant, string Status, PackRef Pack, string? Policy, string Created, string? Finished, string? Fingerprint, long Events)
{
    public static RunBody From(StoredSession s) => new(
        s.Id,
        s.Tenant,
        s.Status == StoredSession.Open ? "running" : s.Status,
        new PackRef(s.PackName, s.PackVersion, s.PackDigest),
        PackSources.Shown(s.Policy),
        SessionBody.Time(s.Created),
        s.Closed is { } closed ? SessionBody.Time(closed) : null,
        s.Fingerprint,
        s.Events);
}

/// <summary>A page of runs.</summary>
internal sealed record RunPage(IReadOnlyList<RunBody> Runs, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextAfter);

/// <summary>The answer to verifying a stored transcript, as <c>reach verify --json</c> reports it.</summary>
internal sealed record VerifyBody(bool Ok, long Events, string? Fingerprint, bool Sealed, string? Code, string? Message, long? Line);

/// <summary>The answer to replaying a run.</summary>
internal sealed record ReplayBody(bool Ok, bool Identical, long Events, string RecordedFingerprint, string Fingerprint, DivergenceBody? Divergence);

/// <summary>Where a replay first diverged.</summary>
internal sealed record DivergenceBody(string Kind, long? Seq, string? Recorded, string? Replayed, string LikelyCause);

// Request bodies: the endpoints bind them through RunnerJsonContext after Core's strict reader checked the bytes;
// [JsonRequired] marks a member the request must carry (the reader and the OpenAPI document both read it).

/// <summary>Open a session: <c>pack</c> is NAME[@VERSION] or an inline manifest of client-run tools, <c>policy</c> a name or a bundle object.</summary>
internal sealed record OpenSessionRequest([property: JsonRequired, StringOrObject("A pack NAME or NAME@VERSION (installed, or in the runner's pack directories), or an inline manifest of client-run tools")] JsonElement? Pack, JsonElement? Inputs, [property: StringOrObject("A policy NAME from the runner's policy directories, or a policy bundle object")] JsonElement? Policy, string? PolicyMode);

/// <summary>A tool's result, run by the client: output, or error.</summary>
internal sealed record ToolResultBody(JsonElement Output, CallError? Error);

/// <summary>One tool call.</summary>
internal sealed record ToolCallBody([property: JsonRequired] string Tool, JsonElement Input, string? Step, ToolResultBody? Result, bool? Execute, RefusedBody? Refused);

/// <summary>An MCP gateway's pin refusal of the call (REACH-6010/6011/6012, or the server failure that stopped the check), recorded as a deny by rule reach.mcp.pinned.</summary>
internal sealed record RefusedBody(string? Code, string? Reason);

/// <summary>Ask the gates about a call without recording it.</summary>
internal sealed record DecideBody([property: JsonRequired] string Tool, JsonElement Input, string? Step);

/// <summary>Budgets, each optional.</summary>
internal sealed record BudgetBody(long? MaxSteps, long? MaxToolCalls, decimal? MaxCost, long? MaxDurationMs);

/// <summary>Spawn a child session narrowed to some of the parent's tools, with a budget carved out of what the parent has left (a limit not named: half of what is left).</summary>
internal sealed record SpawnBody(IReadOnlyList<string>? Tools, BudgetBody? Budget);

/// <summary>Start a pack run.</summary>
internal sealed record StartRunBody([property: JsonRequired, StringOrObject("A pack NAME or NAME@VERSION (installed, or in the runner's pack directories), or an inline manifest of client-run tools")] JsonElement? Pack, JsonElement? Inputs, [property: StringOrObject("A policy NAME from the runner's policy directories, or a policy bundle object")] JsonElement? Policy);

/// <summary>Install a pack from a configured registry.</summary>
internal sealed record InstallPackBody([property: JsonRequired] string Pack, string? Registry);

/// <summary>Verify a named pack's digest and signature.</summary>
internal sealed record VerifyPackBody([property: JsonRequired] string Pack);

/// <summary>Evaluate one call against a policy bundle.</summary>
internal sealed record EvaluatePolicyBody([property: JsonRequired, StringOrObject("A policy NAME from the runner's policy directories, or a policy bundle object")] JsonElement? Bundle, [property: JsonRequired] JsonElement? Call, string? Mode);
