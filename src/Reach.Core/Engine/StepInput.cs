using Reach.Core.Errors;
using Reach.Core.Packs;

namespace Reach.Core.Engine;

/// <summary>Resolves a step's input template against the run's inputs and earlier steps' outputs.</summary>
public static class StepInput
{
    /// <summary>The step's input with every reference replaced by its value.</summary>
    public static JsonElement Resolve(StepDefinition step, JsonElement inputs, IReadOnlyDictionary<string, JsonElement> outputs)
    {
        ArgumentNullException.ThrowIfNull(step);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(step.Input, writer, step.Id, Lookup);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();

        JsonElement Lookup(Reference reference)
        {
            JsonElement current;
            if (reference.IsStep)
            {
                if (!outputs.TryGetValue(reference.Name, out current))
                {
                    throw new ReachException(ErrorCatalog.ReferenceUnresolved, $"Step '{step.Id}': ${{{reference.Expression}}} has no value: the step '{reference.Name}' has no output.");
                }
            }
            else if (!inputs.TryGetProperty(reference.Name, out current))
            {
                throw new ReachException(ErrorCatalog.ReferenceUnresolved, $"Step '{step.Id}': ${{{reference.Expression}}} has no value: the input '{reference.Name}' was not given.");
            }

            foreach (var field in reference.Path)
            {
                if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(field, out var member))
                {
                    current = member;
                }
                else if (current.ValueKind == JsonValueKind.Array && int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength())
                {
                    current = current[i];
                }
                else
                {
                    throw new ReachException(ErrorCatalog.ReferenceUnresolved, $"Step '{step.Id}': ${{{reference.Expression}}} has no value: there is no '{field}' there.");
                }
            }

            return current;
        }
    }

    private static void Write(JsonElement template, Utf8JsonWriter writer, string stepId, Func<Reference, JsonElement> lookup)
    {
        switch (template.ValueKind)
        {
            case JsonValueKind.String:
                var text = template.GetString()!;
                if (!text.Contains('$', StringComparison.Ordinal))
                {
                    writer.WriteStringValue(text);
                    break;
                }

                var value = Reference.Interpolate(text, stepId, lookup);
                if (value is JsonElement element)
                {
                    element.WriteTo(writer);
                }
                else
                {
                    writer.WriteStringValue((string)value);
                }

                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in template.EnumerateObject())
                {
                    writer.WritePropertyName(member.Name);
                    Write(member.Value, writer, stepId, lookup);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in template.EnumerateArray())
                {
                    Write(item, writer, stepId, lookup);
                }

                writer.WriteEndArray();
                break;
            default:
                template.WriteTo(writer);
                break;
        }
    }
}
