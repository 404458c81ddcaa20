using System.Text.RegularExpressions;
using Reach.Core.Json;
using Reach.Policy.Conditions;
using Reach.Policy.Evaluation;
using Reach.Policy.Model;

namespace Reach.Policy.Compilation;

/// <summary>
/// Compiles a bundle once: canonical JSON, the schema, then every rule (globs, fields, operators, value types,
/// regular expressions built non-backtracking with a match timeout). All or nothing: a bundle with any error yields no
/// <see cref="PolicyBundle"/>, so it is never half-applied.
/// </summary>
public static class PolicyCompiler
{
    /// <summary>How deep all / any / not may nest.</summary>
    public const int MaxDepth = 16;

    /// <summary>How long one regular expression may take on one value before the gate fails closed.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads and compiles the bundle at <paramref name="path"/>.</summary>
    /// <exception cref="ReachException">REACH-3101 when the file is missing, else the first compile error.</exception>
    public static PolicyBundle LoadFile(string path) => Compile(ReadFile(path));

    /// <summary>Reads a bundle file's bytes, or fails with REACH-3101.</summary>
    public static byte[] ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.PolicyBundleNotFound, $"The policy bundle '{path}' cannot be read: {ex.Message}");
        }
    }

    /// <summary>Compiles <paramref name="utf8"/>, or throws the first error (with its JSON pointer in the details).</summary>
    public static PolicyBundle Compile(ReadOnlySpan<byte> utf8)
    {
        var bundle = TryCompile(utf8, out var errors);
        return bundle ?? throw PolicyCompileError.ToException(errors);
    }

    /// <summary>Compiles <paramref name="utf8"/>; on failure returns null and every error found.</summary>
    public static PolicyBundle? TryCompile(ReadOnlySpan<byte> utf8, out IReadOnlyList<PolicyCompileError> errors)
    {
        byte[] canonical;
        try
        {
            canonical = CanonicalJson.Canonicalize(utf8);
        }
        catch (ReachException ex)
        {
            errors = [new PolicyCompileError(ErrorCatalog.PolicyBundleInvalidJson, string.Empty, $"The bundle is not valid JSON: {ex.Message}")];
            return null;
        }

        using var document = JsonDocument.Parse(canonical);
        var root = document.RootElement;
        var schemaErrors = PolicySchema.Validate(root, SourceMap(utf8));
        if (schemaErrors.Count > 0)
        {
            errors = schemaErrors;
            return null;
        }

        var state = new State();
        var rules = new List<PolicyRule>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var rule in root.GetProperty("rules").EnumerateArray())
        {
            var pointer = $"/rules/{index}";
            var id = rule.GetProperty("id").GetString()!;
            if (!ids.TryAdd(id, index))
            {
                state.Fail(ErrorCatalog.PolicyDuplicateRuleId, pointer + "/id", $"The rule id '{id}' is used by /rules/{ids[id]} too.");
            }

            rules.Add(CompileRule(rule, id, index, pointer, state));
            index++;
        }

        if (state.Errors.Count > 0)
        {
            errors = state.Errors;
            return null;
        }

        errors = [];
        return new PolicyBundle(
            root.GetProperty("id").GetString()!,
            root.GetProperty("version").GetString()!,
            root.TryGetProperty("description", out var description) ? description.GetString() : null,
            [.. rules],
            canonical,
            state.Conditions);
    }

    // Positions come from the text as written (the canonical form has other lines); text that canonicalized maps.
    private static JsonSourceMap? SourceMap(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSourceMap.Build(utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8);
        }
        catch (Exception ex) when (ex is JsonException or ReachException)
        {
            return null;
        }
    }

    private static PolicyRule CompileRule(JsonElement rule, string id, int index, string pointer, State state)
    {
        var match = new RuleMatch();
        if (rule.TryGetProperty("match", out var m))
        {
            var pack = m.TryGetProperty("pack", out var p) ? p : default;
            match = new RuleMatch
            {
                Tools = Globs(m, "tools"),
                Permissions = Globs(m, "permissions"),
                OnlyPermissions = m.TryGetProperty("only_permissions", out _) ? Globs(m, "only_permissions") : null,
                PackNames = Globs(pack, "name"),
                PackVersions = Globs(pack, "version"),
                Signers = Globs(pack, "signer"),
            };
        }

        RuleLimits? limits = null;
        if (rule.TryGetProperty("limits", out var l))
        {
            limits = new RuleLimits(
                l.TryGetProperty("max_calls", out var calls) ? calls.GetInt64() : null,
                l.TryGetProperty("max_cost", out var cost) ? cost.GetDecimal() : null);
        }

        return new PolicyRule
        {
            Id = id,
            Effect = rule.GetProperty("effect").GetString() == "forbid" ? RuleEffect.Forbid : RuleEffect.Permit,
            Index = index,
            Pointer = pointer,
            Description = rule.TryGetProperty("description", out var d) ? d.GetString() : null,
            Message = rule.TryGetProperty("message", out var message) ? message.GetString() : null,
            Match = match,
            When = rule.TryGetProperty("when", out var when) ? CompileCondition(when, pointer + "/when", 1, state) : null,
            Limits = limits,
            WhenText = rule.TryGetProperty("when", out var w) ? w.GetRawText() : null,
            Shape = Shape(rule),
        };
    }

    // The bundle was parsed from its canonical form, so raw texts are canonical too.
    private static string Shape(JsonElement rule)
    {
        var shape = new StringBuilder();
        foreach (var name in (string[])["effect", "match", "when", "limits"])
        {
            shape.Append(name).Append('=').Append(rule.TryGetProperty(name, out var part) ? part.GetRawText() : "-").Append(';');
        }

        return shape.ToString();
    }

    private static GlobPattern[] Globs(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var list))
        {
            return [];
        }

        var result = new GlobPattern[list.GetArrayLength()];
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            result[i++] = new GlobPattern(item.GetString()!);
        }

        return result;
    }

    private static Condition? CompileCondition(JsonElement node, string pointer, int depth, State state)
    {
        if (depth > MaxDepth)
        {
            state.Fail(ErrorCatalog.PolicyTooDeep, pointer, $"Conditions nest deeper than {MaxDepth} levels.");
            return null;
        }

        var id = state.Conditions++;
        foreach (var junction in (string[])["all", "any"])
        {
            if (node.TryGetProperty(junction, out var parts))
            {
                var compiled = new List<Condition>();
                var i = 0;
                foreach (var part in parts.EnumerateArray())
                {
                    if (CompileCondition(part, $"{pointer}/{junction}/{i++}", depth + 1, state) is { } c)
                    {
                        compiled.Add(c);
                    }
                }

                return new JunctionCondition(id, pointer, junction == "all", [.. compiled]);
            }
        }

        if (node.TryGetProperty("not", out var negated))
        {
            return CompileCondition(negated, pointer + "/not", depth + 1, state) is { } inner ? new NotCondition(id, pointer, inner) : null;
        }

        return CompileComparison(node, pointer, id, state);
    }

    private static ComparisonCondition? CompileComparison(JsonElement node, string pointer, int id, State state)
    {
        var fieldText = node.GetProperty("field").GetString()!;
        var opText = node.GetProperty("op").GetString()!;
        var field = FieldPath.Parse(fieldText);
        if (field is null)
        {
            state.Fail(ErrorCatalog.PolicyUnknownField, pointer + "/field", $"The call context has no field '{fieldText}'.");
            return null;
        }

        if (ComparisonOperators.Parse(opText) is not { } op)
        {
            state.Fail(ErrorCatalog.PolicyUnknownOperator, pointer + "/op", $"'{opText}' is not an operator; use one of {string.Join(", ", ComparisonOperators.Names)}.");
            return null;
        }

        JsonElement? value = node.TryGetProperty("value", out var v) ? v : null;
        var problem = CheckValue(field, op, value);
        if (problem is not null)
        {
            state.Fail(problem.Value.Code, pointer + problem.Value.Where, problem.Value.Message);
            return null;
        }

        Regex? regex = null;
        if (op == ComparisonOperator.Regex)
        {
            try
            {
                regex = new Regex(value!.Value.GetString()!, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                state.Fail(ErrorCatalog.PolicyInvalidRegex, pointer + "/value", $"The regular expression {value!.Value.GetRawText()} does not compile: {ex.Message}");
                return null;
            }
        }

        return new ComparisonCondition(id, pointer, field, op, value, regex);
    }

    private static (ErrorCode Code, string Where, string Message)? CheckValue(FieldPath field, ComparisonOperator op, JsonElement? value)
    {
        var name = ComparisonOperators.Name(op);
        if (op == ComparisonOperator.Exists)
        {
            return value is null or { ValueKind: JsonValueKind.True or JsonValueKind.False } ? null
                : (ErrorCatalog.PolicyFieldType, "/value", "exists takes no value, or true or false.");
        }

        if (value is not { } literal)
        {
            return (ErrorCatalog.PolicyBundleInvalid, string.Empty, $"{name} needs a value.");
        }

        switch (op)
        {
            case ComparisonOperator.Lt or ComparisonOperator.Le or ComparisonOperator.Gt or ComparisonOperator.Ge:
                if (field.Type is FieldType.Text or FieldType.TextList)
                {
                    return (ErrorCatalog.PolicyFieldType, "/field", $"{name} compares numbers, and '{field.Text}' is text.");
                }

                return literal.ValueKind == JsonValueKind.Number ? null : (ErrorCatalog.PolicyFieldType, "/value", $"{name} needs a number, not {literal.GetRawText()}.");
            case ComparisonOperator.Glob or ComparisonOperator.Regex:
                if (field.Type == FieldType.Number)
                {
                    return (ErrorCatalog.PolicyFieldType, "/field", $"{name} matches text, and '{field.Text}' is a number.");
                }

                return literal.ValueKind == JsonValueKind.String ? null : (ErrorCatalog.PolicyFieldType, "/value", $"{name} needs a string pattern, not {literal.GetRawText()}.");
            case ComparisonOperator.In or ComparisonOperator.NotIn:
                if (literal.ValueKind != JsonValueKind.Array)
                {
                    return (ErrorCatalog.PolicyFieldType, "/value", $"{name} needs an array of values, not {literal.GetRawText()}.");
                }

                var i = 0;
                foreach (var item in literal.EnumerateArray())
                {
                    if (!Fits(field, item))
                    {
                        return (ErrorCatalog.PolicyFieldType, $"/value/{i}", $"'{field.Text}' is {Describe(field.Type)}; it never equals {item.GetRawText()}.");
                    }

                    i++;
                }

                return null;
            default:
                return Fits(field, literal) ? null : (ErrorCatalog.PolicyFieldType, "/value", $"'{field.Text}' is {Describe(field.Type)}; it never equals {literal.GetRawText()}.");
        }
    }

    private static bool Fits(FieldPath field, JsonElement value) => field.Type switch
    {
        FieldType.Text or FieldType.TextList => value.ValueKind is JsonValueKind.String or JsonValueKind.Null,
        FieldType.Number => value.ValueKind == JsonValueKind.Number,
        _ => true,
    };

    private static string Describe(FieldType type) => type switch
    {
        FieldType.Text => "text",
        FieldType.TextList => "a list of text",
        FieldType.Number => "a number",
        _ => "JSON",
    };

    private sealed class State
    {
        public List<PolicyCompileError> Errors { get; } = [];

        public int Conditions { get; set; }

        public void Fail(ErrorCode code, string pointer, string message) => Errors.Add(new PolicyCompileError(code, pointer, message));
    }
}
