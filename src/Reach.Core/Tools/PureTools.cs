using Reach.Core.Errors;
using Reach.Core.Hashing;

namespace Reach.Core.Tools;

/// <summary><c>echo</c>: returns its input unchanged.</summary>
public sealed class EchoTool : ITool
{
    /// <inheritdoc/>
    public string Name => "echo";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => [];

    /// <inheritdoc/>
    public bool Deterministic => true;

    /// <inheritdoc/>
    public ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken) => ValueTask.FromResult(input);
}

/// <summary><c>json.get</c>: the value at a JSON Pointer (RFC 6901) inside <c>value</c>.</summary>
public sealed class JsonGetTool : ITool
{
    /// <inheritdoc/>
    public string Name => "json.get";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => [];

    /// <inheritdoc/>
    public bool Deterministic => true;

    /// <inheritdoc/>
    public ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Execute(input, context));

    // Synchronous: the work is in memory (or one confined file operation), so there is nothing to wait for.
    private JsonElement Execute(JsonElement input, ToolContext context)
    {
        var value = ToolInput.Required(input, Name, "value");
        var pointer = ToolInput.RequiredString(input, Name, "pointer");
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            throw new ToolException(ErrorCatalog.ToolInputInvalid, $"json.get: the pointer '{pointer}' must be empty or start with '/'.");
        }

        var current = value;
        foreach (var raw in pointer.Length == 0 ? [] : pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var member))
            {
                current = member;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                throw new ToolException(ErrorCatalog.ReferenceUnresolved, $"json.get: nothing at '{pointer}'.");
            }
        }

        return current;
    }
}

/// <summary><c>text.template</c>: replaces <c>{{key}}</c> in <c>template</c> with <c>values.key</c>.</summary>
public sealed class TextTemplateTool : ITool
{
    /// <inheritdoc/>
    public string Name => "text.template";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => [];

    /// <inheritdoc/>
    public bool Deterministic => true;

    /// <inheritdoc/>
    public ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Execute(input, context));

    // Synchronous: the work is in memory (or one confined file operation), so there is nothing to wait for.
    private JsonElement Execute(JsonElement input, ToolContext context)
    {
        var template = ToolInput.RequiredString(input, Name, "template");
        var values = input.TryGetProperty("values", out var v) ? v : default;
        var output = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                output.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ToolException(ErrorCatalog.ToolInputInvalid, "text.template: a '{{' has no closing '}}'.");
            }

            output.Append(template, i, open - i);
            var key = template[(open + 2)..close].Trim();
            if (values.ValueKind != JsonValueKind.Object || !values.TryGetProperty(key, out var value))
            {
                throw new ToolException(ErrorCatalog.ToolInputInvalid, $"text.template: no value for '{{{{{key}}}}}' in 'values'.");
            }

            output.Append(value.ValueKind == JsonValueKind.String ? value.GetString() : Encoding.UTF8.GetString(Json.CanonicalJson.Canonicalize(value)));
            i = close + 2;
        }

        var text = output.ToString();
        return ToolInput.Output(w => w.WriteStringValue(text));
    }
}

/// <summary><c>hash.sha256</c>: the SHA-256 of <c>text</c>'s UTF-8 bytes, as <c>sha256:</c> and hex.</summary>
public sealed class HashSha256Tool : ITool
{
    /// <inheritdoc/>
    public string Name => "hash.sha256";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => [];

    /// <inheritdoc/>
    public bool Deterministic => true;

    /// <inheritdoc/>
    public ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Execute(input, context));

    // Synchronous: the work is in memory (or one confined file operation), so there is nothing to wait for.
    private JsonElement Execute(JsonElement input, ToolContext context)
    {
        var text = ToolInput.RequiredString(input, Name, "text");
        var digest = Sha256Digest.Compute(Encoding.UTF8.GetBytes(text)).ToString();
        return ToolInput.Output(w => w.WriteStringValue(digest));
    }
}
