using System.Text.Json.Serialization;

namespace Reach.Packs.Keys;

/// <summary>Source-generated JSON for key files.</summary>
[JsonSerializable(typeof(SecretKeyFile))]
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class KeysJsonContext : JsonSerializerContext;
