using Reach.Core.Errors;

namespace Reach.Core.Tools;

/// <summary>
/// Refuses, before a call is gated or recorded, the text the operating system would read differently from the policy:
/// a NUL ends a C string, so <c>"rm\u0000x"</c> would pass a rule about <c>rm\u0000x</c> and run <c>rm</c>; other
/// control characters in a program name, a path or a URL split or rewrite it (CR LF in a request line, a newline in
/// a name a log shows). One place for every built-in tool that hands text to the OS, so no tool can forget it.
/// </summary>
internal static class ToolInputGuard
{
    /// <summary>Checks the fields of <paramref name="input"/> that <paramref name="tool"/> passes to the operating system.</summary>
    /// <exception cref="ReachException">REACH-2230 naming the field and the character.</exception>
    public static void Check(ITool? tool, JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            return; // the tool itself refuses a non-object input, on the record
        }

        switch (tool)
        {
            case ProcExecTool:
                NoControl(input, tool.Name, "command");
                if (input.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var arg in args.EnumerateArray())
                    {
                        // Arguments may carry tabs and newlines (a script for sh -c); only NUL, which cuts them, is refused.
                        if (arg.ValueKind == JsonValueKind.String)
                        {
                            Refuse(tool.Name, string.Create(CultureInfo.InvariantCulture, $"args[{index}]"), arg.GetString()!, nulOnly: true);
                        }

                        index++;
                    }
                }

                break;
            case FsReadTool or FsWriteTool:
                NoControl(input, tool.Name, "path");
                break;
            case HttpGetTool:
                NoControl(input, tool.Name, "url");
                break;
        }
    }

    private static void NoControl(JsonElement input, string tool, string field)
    {
        if (input.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
        {
            Refuse(tool, field, value.GetString()!, nulOnly: false);
        }
    }

    private static void Refuse(string tool, string field, string value, bool nulOnly)
    {
        var at = nulOnly ? value.IndexOf('\0', StringComparison.Ordinal) : IndexOfControl(value);
        if (at >= 0)
        {
            throw new ReachException(
                ErrorCatalog.ToolInputControlCharacter,
                string.Create(CultureInfo.InvariantCulture, $"{tool}: '{field}' holds the control character U+{(int)value[at]:X4} at index {at}; the operating system would cut or reinterpret the text there. The call was not gated or recorded."))
            {
                Details = new Dictionary<string, object?> { ["field"] = field, ["index"] = at },
            };
        }
    }

    // C0 controls, DEL and the C1 controls: none belongs in a program name, a path or a URL.
    private static int IndexOfControl(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
