using Reach.Core.Gates;

namespace Reach.Policy.Conditions;

/// <summary>Which part of the call context a field reads.</summary>
public enum FieldRoot
{
    /// <summary><c>tool</c>: the tool's name.</summary>
    Tool,

    /// <summary><c>permissions</c>: the permissions the tool needs.</summary>
    Permissions,

    /// <summary><c>pack.name</c>.</summary>
    PackName,

    /// <summary><c>pack.version</c>.</summary>
    PackVersion,

    /// <summary><c>pack.signer</c>: the signer's key id, absent for an unsigned pack.</summary>
    PackSigner,

    /// <summary><c>step.index</c>, from 0.</summary>
    StepIndex,

    /// <summary><c>step.id</c>.</summary>
    StepId,

    /// <summary><c>usage.steps</c>: steps started before this call.</summary>
    UsageSteps,

    /// <summary><c>usage.tool_calls</c>: calls permitted before this one.</summary>
    UsageToolCalls,

    /// <summary><c>usage.cost</c>: cost spent before this call.</summary>
    UsageCost,

    /// <summary><c>usage.duration_ms</c>: time used by the injected clock.</summary>
    UsageDurationMs,

    /// <summary><c>cost</c>: this call's declared cost.</summary>
    Cost,

    /// <summary><c>calls.&lt;tool&gt;</c>: permitted calls of that tool so far.</summary>
    Calls,

    /// <summary><c>spent.&lt;tool&gt;</c>: declared cost of that tool's calls so far.</summary>
    Spent,

    /// <summary><c>args…</c>: the call's input.</summary>
    Args,

    /// <summary><c>inputs…</c>: the run's inputs.</summary>
    Inputs,
}

/// <summary>The static type of a field, checked against each condition when the bundle compiles.</summary>
public enum FieldType
{
    /// <summary>A string (or absent).</summary>
    Text,

    /// <summary>A number.</summary>
    Number,

    /// <summary>A list of strings.</summary>
    TextList,

    /// <summary>Any JSON value, known only per call.</summary>
    Json,
}

/// <summary>
/// A field of the call context, written dotted (<c>args.path</c>, <c>calls.fs.write</c>) or as a JSON pointer over the
/// context (<c>/args/path</c>, <c>/calls/fs.write</c>). Segments of <c>args</c> and <c>inputs</c> that are numbers
/// also index arrays.
/// </summary>
public sealed class FieldPath
{
    private FieldPath(string text, FieldRoot root, FieldType type, string? tool, string[] segments)
    {
        Text = text;
        Root = root;
        Type = type;
        Tool = tool;
        Segments = segments;
        Indexes = new int[segments.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            Indexes[i] = int.TryParse(segments[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
        }
    }

    /// <summary>The field as written.</summary>
    public string Text { get; }

    /// <summary>The part of the context it reads.</summary>
    public FieldRoot Root { get; }

    /// <summary>Its static type.</summary>
    public FieldType Type { get; }

    /// <summary>The tool of <c>calls.&lt;tool&gt;</c> and <c>spent.&lt;tool&gt;</c>.</summary>
    public string? Tool { get; }

    /// <summary>The path below <c>args</c> or <c>inputs</c>.</summary>
    internal string[] Segments { get; }

    /// <summary>Each segment as an array index, or -1.</summary>
    internal int[] Indexes { get; }

    /// <summary>Parses <paramref name="text"/>; null when the context has no such field.</summary>
    public static FieldPath? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts;
        if (text.StartsWith('/'))
        {
            parts = text[1..].Split('/');
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = parts[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            }
        }
        else
        {
            parts = text.Split('.');
            if (parts.Length > 2 && parts[0] is "calls" or "spent")
            {
                parts = [parts[0], text[(parts[0].Length + 1)..]];
            }
        }

        if (parts.Length == 0 || (parts.Length > 1 && Array.IndexOf(parts, string.Empty, 1) > 0 && parts[0] is not ("args" or "inputs")))
        {
            return null;
        }

        var rest = parts.Length > 1 ? parts[1] : null;
        return (parts[0], parts.Length, rest) switch
        {
            ("tool", 1, _) => new(text, FieldRoot.Tool, FieldType.Text, null, []),
            ("permissions", 1, _) => new(text, FieldRoot.Permissions, FieldType.TextList, null, []),
            ("cost", 1, _) => new(text, FieldRoot.Cost, FieldType.Number, null, []),
            ("pack", 2, "name") => new(text, FieldRoot.PackName, FieldType.Text, null, []),
            ("pack", 2, "version") => new(text, FieldRoot.PackVersion, FieldType.Text, null, []),
            ("pack", 2, "signer") => new(text, FieldRoot.PackSigner, FieldType.Text, null, []),
            ("step", 2, "index") => new(text, FieldRoot.StepIndex, FieldType.Number, null, []),
            ("step", 2, "id") => new(text, FieldRoot.StepId, FieldType.Text, null, []),
            ("usage", 2, "steps") => new(text, FieldRoot.UsageSteps, FieldType.Number, null, []),
            ("usage", 2, "tool_calls") => new(text, FieldRoot.UsageToolCalls, FieldType.Number, null, []),
            ("usage", 2, "cost") => new(text, FieldRoot.UsageCost, FieldType.Number, null, []),
            ("usage", 2, "duration_ms") => new(text, FieldRoot.UsageDurationMs, FieldType.Number, null, []),
            ("calls", 2, { Length: > 0 }) => new(text, FieldRoot.Calls, FieldType.Number, rest, []),
            ("spent", 2, { Length: > 0 }) => new(text, FieldRoot.Spent, FieldType.Number, rest, []),
            ("args", _, _) => new(text, FieldRoot.Args, FieldType.Json, null, parts[1..]),
            ("inputs", _, _) => new(text, FieldRoot.Inputs, FieldType.Json, null, parts[1..]),
            _ => null,
        };
    }

    /// <summary>Reads the field from <paramref name="request"/>; no allocation.</summary>
    public FieldValue Resolve(ToolCallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (Root)
        {
            case FieldRoot.Tool:
                return FieldValue.FromText(request.Tool);
            case FieldRoot.Permissions:
                return FieldValue.FromList(request.RequiredPermissions);
            case FieldRoot.PackName:
                return FieldValue.FromText(request.Pack.Name);
            case FieldRoot.PackVersion:
                return FieldValue.FromText(request.Pack.Version);
            case FieldRoot.PackSigner:
                return request.SignerKeyId is null ? default : FieldValue.FromText(request.SignerKeyId);
            case FieldRoot.StepIndex:
                return FieldValue.FromNumber(request.StepIndex);
            case FieldRoot.StepId:
                return request.StepId is null ? default : FieldValue.FromText(request.StepId);
            case FieldRoot.UsageSteps:
                return FieldValue.FromNumber(request.Usage.Steps);
            case FieldRoot.UsageToolCalls:
                return FieldValue.FromNumber(request.Usage.ToolCalls);
            case FieldRoot.UsageCost:
                return FieldValue.FromNumber((double)request.Usage.Cost);
            case FieldRoot.UsageDurationMs:
                return FieldValue.FromNumber(Math.Floor(request.Usage.Elapsed.TotalMilliseconds));
            case FieldRoot.Cost:
                return FieldValue.FromNumber((double)(request.Declaration?.Cost ?? 0m));
            case FieldRoot.Calls or FieldRoot.Spent:
                var tallies = request.Tallies;
                for (var i = 0; i < tallies.Count; i++)
                {
                    var tally = tallies[i];
                    if (string.Equals(tally.Tool, Tool, StringComparison.Ordinal))
                    {
                        return FieldValue.FromNumber(Root == FieldRoot.Calls ? tally.Calls : (double)tally.Cost);
                    }
                }

                return FieldValue.FromNumber(0);
            default:
                return Walk(Root == FieldRoot.Args ? request.Input : request.Inputs);
        }
    }

    private FieldValue Walk(JsonElement element)
    {
        for (var i = 0; i < Segments.Length; i++)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object when element.TryGetProperty(Segments[i], out var member):
                    element = member;
                    break;
                case JsonValueKind.Array when Indexes[i] >= 0 && Indexes[i] < element.GetArrayLength():
                    element = element[Indexes[i]];
                    break;
                default:
                    return default;
            }
        }

        return element.ValueKind == JsonValueKind.Undefined ? default : FieldValue.FromJson(element);
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
