using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Reach.Runner;

/// <summary>
/// The API's JSON contract, source-generated: every request body is read, and every answer written, through it, and
/// the OpenAPI document is generated from it (it heads the HTTP JSON options' resolver chain).
/// </summary>
[JsonSerializable(typeof(OpenSessionRequest))]
[JsonSerializable(typeof(ToolCallBody))]
[JsonSerializable(typeof(DecideBody))]
[JsonSerializable(typeof(SpawnBody))]
[JsonSerializable(typeof(StartRunBody))]
[JsonSerializable(typeof(InstallPackBody))]
[JsonSerializable(typeof(VerifyPackBody))]
[JsonSerializable(typeof(EvaluatePolicyBody))]
[JsonSerializable(typeof(SessionBody))]
[JsonSerializable(typeof(SessionPage))]
[JsonSerializable(typeof(CallResponse))]
[JsonSerializable(typeof(DecideResponse))]
[JsonSerializable(typeof(ClosedBody))]
[JsonSerializable(typeof(RunBody))]
[JsonSerializable(typeof(RunPage))]
[JsonSerializable(typeof(VerifyBody))]
[JsonSerializable(typeof(ReplayBody))]
[JsonSerializable(typeof(PackListBody))]
[JsonSerializable(typeof(InstalledBody))]
[JsonSerializable(typeof(PackVerifiedBody))]
[JsonSerializable(typeof(PolicyDecisionBody))]
internal sealed partial class RunnerJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The contract with the API's options (<see cref="RunnerHost.Json"/>: snake_case, nulls left out, numbers only as
    /// numbers), member names matched exactly as the hand-written reader did.
    /// </summary>
    public static RunnerJsonContext Api { get; } = new(new JsonSerializerOptions(RunnerHost.Json) { PropertyNameCaseInsensitive = false });

    /// <summary>The members a request must carry (<c>[JsonRequired]</c>), for the reader and the OpenAPI document alike.</summary>
    public static IEnumerable<JsonPropertyInfo> RequiredOf(JsonTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Properties.Where(p => p.IsRequired);
    }
}
