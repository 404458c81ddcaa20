using Reach.Core.Errors;

namespace Reach.Core.Tools;

/// <summary>Reads a tool's input fields with coded errors for the wrong shape.</summary>
internal static class ToolInput
{
    public static string RequiredString(JsonElement input, string tool, string name)
    {
        if (input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        throw new ToolException(ErrorCatalog.ToolInputInvalid, $"{tool}: the input needs a string field '{name}'.");
    }

    public static JsonElement Required(JsonElement input, string tool, string name)
    {
        if (input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var value))
        {
            return value;
        }

        throw new ToolException(ErrorCatalog.ToolInputInvalid, $"{tool}: the input needs a field '{name}'.");
    }

    public static long OptionalInteger(JsonElement input, string tool, string name, long fallback, long min, long max)
    {
        if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= min && n <= max)
        {
            return n;
        }

        throw new ToolException(ErrorCatalog.ToolInputInvalid, $"{tool}: '{name}' must be an integer from {min} to {max}.");
    }

    public static Workspace Workspace(ToolContext context) =>
        context.Workspace ?? throw new ToolException(ErrorCatalog.ToolFailed, "This tool needs a workspace, and the run has none.");

    public static JsonElement Output(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
