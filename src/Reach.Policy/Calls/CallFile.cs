using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Policy.Calls;

/// <summary>
/// A call and its context as a JSON document, for <c>reach policy eval</c>, <c>explain</c> and test cases:
/// <c>{"tool", "args", "permissions", "cost", "pack": {"name","version","signer"}, "inputs", "step": {"index","id"},
/// "usage": {"steps","tool_calls","cost","duration_ms"}, "calls": {"tool": n | {"calls": n, "cost": c}}}</c>.
/// Only <c>tool</c> is required; <c>permissions</c> defaults to what the built-in tool needs.
/// </summary>
public static class CallFile
{
    /// <summary>Parses a call file's bytes.</summary>
    /// <exception cref="ReachException">REACH-3201 when the document is not a call.</exception>
    public static ToolCallRequest Parse(ReadOnlySpan<byte> utf8, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            return FromElement(document.RootElement.Clone(), source);
        }
        catch (JsonException ex)
        {
            throw new ReachException(ErrorCatalog.PolicyCallInvalid, $"{source} is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Reads the call file at <paramref name="path"/>.</summary>
    public static ToolCallRequest Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ReachException(ErrorCatalog.InputFileNotFound, $"No call file at '{path}'.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.PolicyCallInvalid, $"The call file '{path}' cannot be read: {ex.Message}");
        }

        return Parse(bytes, path);
    }

    /// <summary>Builds the request a call object describes.</summary>
    public static ToolCallRequest FromElement(JsonElement call, string source)
    {
        if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("tool", out var toolElement) || toolElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(source, "a call is a JSON object with a string \"tool\"");
        }

        var tool = toolElement.GetString()!;
        IReadOnlyList<string> permissions = ToolRegistry.BuiltIn.Find(tool)?.RequiredPermissions ?? [];
        if (call.TryGetProperty("permissions", out var p))
        {
            permissions = Strings(p, source, "permissions");
        }

        var cost = Number(call, "cost", source);
        var pack = call.TryGetProperty("pack", out var packElement) ? packElement : default;
        var step = call.TryGetProperty("step", out var stepElement) ? stepElement : default;
        var usage = call.TryGetProperty("usage", out var usageElement) ? usageElement : default;
        var tallies = new List<ToolTally>();
        if (call.TryGetProperty("calls", out var calls))
        {
            if (calls.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, "\"calls\" maps tool names to a count or {\"calls\": n, \"cost\": c}");
            }

            foreach (var member in calls.EnumerateObject())
            {
                tallies.Add(member.Value.ValueKind == JsonValueKind.Number
                    ? new ToolTally(member.Name, member.Value.GetInt64(), 0)
                    : new ToolTally(member.Name, (long)Number(member.Value, "calls", source), Number(member.Value, "cost", source)));
            }
        }

        var args = call.TryGetProperty("args", out var a) ? a : JsonDocument.Parse("{}").RootElement;
        return new ToolCallRequest
        {
            Tool = tool,
            RequiredPermissions = permissions,
            Declaration = new ToolDeclaration { Name = tool, Permissions = permissions, Cost = cost },
            Input = args,
            Pack = new PackManifest
            {
                Name = Text(pack, "name", source) ?? "call",
                Version = Text(pack, "version", source) ?? "0.0.0",
                Tools = [new ToolDeclaration { Name = tool, Permissions = permissions, Cost = cost }],
            },
            SignerKeyId = Text(pack, "signer", source),
            StepId = Text(step, "id", source),
            StepIndex = (long)Number(step, "index", source),
            Usage = new BudgetUsage((long)Number(usage, "steps", source), (long)Number(usage, "tool_calls", source), Number(usage, "cost", source), TimeSpan.FromMilliseconds((double)Number(usage, "duration_ms", source))),
            Inputs = call.TryGetProperty("inputs", out var inputs) ? inputs : default,
            Tallies = tallies,
        };
    }

    private static string? Text(JsonElement parent, string name, string source)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(source, $"\"{name}\" must be a string");
    }

    private static decimal Number(JsonElement parent, string name, string source)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && number >= 0 ? number : throw Invalid(source, $"\"{name}\" must be a non-negative number");
    }

    private static string[] Strings(JsonElement list, string source, string name)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(source, $"\"{name}\" must be an array of strings");
        }

        var result = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Invalid(source, $"\"{name}\" must be an array of strings"));
        }

        return [.. result];
    }

    private static ReachException Invalid(string source, string what) => new(ErrorCatalog.PolicyCallInvalid, $"{source}: {what}.");
}
