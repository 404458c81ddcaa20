using System.Text.Json.Serialization;

namespace Reach.Policy;

/// <summary>Source-generated serialization for the few values the policy engine renders.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
