using System.Text.Json.Serialization;

namespace Reach.Core.Json;

/// <summary>Source-generated serialization for the few plain values Core reads.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
