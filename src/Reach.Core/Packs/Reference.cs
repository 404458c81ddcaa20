using Reach.Core.Errors;

namespace Reach.Core.Packs;

/// <summary>
/// A <c>${...}</c> reference inside a step's input: <c>${inputs.NAME[.FIELD...]}</c> or
/// <c>${steps.ID.output[.FIELD...]}</c>; a numeric field indexes an array. <c>$${</c> writes a literal <c>${</c>.
/// </summary>
/// <param name="Expression">The text between the braces.</param>
/// <param name="IsStep">True for a step output, false for a run input.</param>
/// <param name="Name">The input name or step id.</param>
/// <param name="Path">The fields below it.</param>
public sealed record Reference(string Expression, bool IsStep, string Name, IReadOnlyList<string> Path)
{
    /// <summary>Parses the expression between <c>${</c> and <c>}</c>.</summary>
    /// <exception cref="ReachException">REACH-2008 when it is malformed.</exception>
    public static Reference Parse(string expression, string stepId)
    {
        var parts = expression.Split('.');
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                throw Invalid(expression, stepId, "an empty segment");
            }
        }

        if (parts[0] == "inputs" && parts.Length >= 2)
        {
            return new Reference(expression, false, parts[1], parts[2..]);
        }

        if (parts[0] == "steps" && parts.Length >= 3 && parts[2] == "output")
        {
            return new Reference(expression, true, parts[1], parts[3..]);
        }

        throw Invalid(expression, stepId, "it must start with inputs.NAME or steps.ID.output");
    }

    /// <summary>Finds every reference in a string; literal text between them is ignored.</summary>
    public static List<Reference> FindAll(string text, string stepId)
    {
        var found = new List<Reference>();
        Scan(text, stepId, null, found);
        return found;
    }

    /// <summary>
    /// Interpolates a string: when it is exactly one reference its value is returned as is (any JSON type);
    /// otherwise each reference's value is written into the text (strings raw, other values as canonical JSON).
    /// </summary>
    internal static object Interpolate(string text, string stepId, Func<Reference, JsonElement> lookup)
    {
        if (text.StartsWith("${", StringComparison.Ordinal) && text.IndexOf('}', StringComparison.Ordinal) == text.Length - 1 && text.IndexOf("${", 2, StringComparison.Ordinal) < 0)
        {
            return lookup(Parse(text[2..^1], stepId));
        }

        var builder = new StringBuilder(text.Length);
        Scan(text, stepId, builder, null, lookup);
        return builder.ToString();
    }

    private static void Scan(string text, string stepId, StringBuilder? output, List<Reference>? found, Func<Reference, JsonElement>? lookup = null)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                output?.Append("${");
                i += 3;
                continue;
            }

            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw Invalid(text[i..], stepId, "it has no closing brace");
                }

                var reference = Parse(text[(i + 2)..close], stepId);
                found?.Add(reference);
                if (output is not null && lookup is not null)
                {
                    var value = lookup(reference);
                    output.Append(value.ValueKind == JsonValueKind.String ? value.GetString() : Encoding.UTF8.GetString(Json.CanonicalJson.Canonicalize(value)));
                }

                i = close + 1;
                continue;
            }

            output?.Append(text[i]);
            i++;
        }
    }

    private static ReachException Invalid(string expression, string stepId, string why) =>
        new(ErrorCatalog.InvalidReference, $"Step '{stepId}': the reference '${{{expression}}}' is malformed: {why}.");
}
