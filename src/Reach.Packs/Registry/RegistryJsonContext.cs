using System.Text.Json.Serialization;
using Reach.Packs.Install;

namespace Reach.Packs.Registry;

/// <summary>Source-generated JSON for registry indexes, the registry list and the install lockfile.</summary>
[JsonSerializable(typeof(RegistryIndex))]
[JsonSerializable(typeof(RegistryList))]
[JsonSerializable(typeof(InstallLock))]
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
