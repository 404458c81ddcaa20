using System.Globalization;
using System.Text;

namespace Reach.Core.Tests.Json;

/// <summary>
/// CsCheck generators of JSON text, each value spelled in one of its many equivalent ways: characters literal
/// or escaped (short forms, \u in either case, surrogate pairs), numbers as integers, shortest doubles,
/// long digit strings and exponents of every size, whitespace between tokens. Object keys are unique after
/// unescaping, so every document has a canonical form.
/// </summary>
public static class JsonTextGen
{
    private static readonly Gen<string> Whitespace = Gen.OneOfConst("", "", "", " ", "\n", "\t", "\r\n  ", "  ");

    private static readonly Gen<int> AnyCodePoint = Gen.Frequency(
        (10, Gen.Int[0x20, 0x7E]),
        (3, Gen.Int[0x00, 0x1F]),
        (3, Gen.OneOfConst<int>('"', '\\', '/', 0x7F, 0x80, 0x2028, 0x2029, 0xE000, 0xFEFF, 0xFFFF)),
        (3, Gen.Int[0x80, 0xD7FF]),
        (2, Gen.Int[0xE000, 0xFFFF]),
        (3, Gen.Int[0x10000, 0x10FFFF]));

    // Few distinct keys, so that objects often share prefixes and spellings of the same name.
    private static readonly Gen<int> KeyCodePoint = Gen.Frequency(
        (8, Gen.OneOfConst<int>('a', 'b', 'A', '_', '1')),
        (1, Gen.OneOfConst(0xE000, 0xFFFF, 0x1F600, 0x10000, 0x00F6, 0x20AC, 0x0D)));

    /// <summary>A JSON string: its value and its text (with quotes).</summary>
    public static Gen<(string Value, string Json)> String { get; } = StringOf(AnyCodePoint, 10);

    /// <summary>A JSON number's text, valid per RFC 8259 and finite as a double.</summary>
    public static Gen<string> Number { get; } = Gen.Frequency(
        (3, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (3, Gen.Select(Gen.Long, Gen.OneOfConst("R", "E16", "e16", "G17", "E3"), (bits, format) => (Value: BitConverter.Int64BitsToDouble(bits), Format: format))
            .Where(x => double.IsFinite(x.Value))
            .Select(x => x.Value.ToString(x.Format, CultureInfo.InvariantCulture))),
        (3, DigitString()),
        (1, Gen.OneOfConst(
            "0", "-0", "-0.0", "0.0", "0e0", "0E+5", "1e21", "1E21", "1e-7", "1e20", "9007199254740993", "-9007199254740993",
            "9007199254740992", "1e-400", "-1e-400", "5e-324", "2.4703282292062328e-324", "2.4703282292062327e-324",
            "1.7976931348623157e308", "4.9e-324", "123456789012345680000", "1e23", "0.000001", "0.0000001", "1.5", "100",
            "1e2", "12345678901234567890123", "333333333.33333329", "4.50", "2e-3", "0.000000000000000000000000001")));

    /// <summary>A scalar: number, string or literal.</summary>
    public static Gen<string> Scalar { get; } = Gen.Frequency(
        (4, Number),
        (4, String.Select(s => s.Json)),
        (1, Gen.OneOfConst("true", "false", "null")));

    /// <summary>A document: mostly objects and arrays nested up to four levels, sometimes a bare scalar.</summary>
    public static Gen<string> Document { get; } = Gen.Frequency((1, Scalar), (3, ArrayOf(3)), (4, ObjectOf(3)));

    private static Gen<string> Value(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency((5, Scalar), (2, ArrayOf(depth - 1)), (2, ObjectOf(depth - 1)));

    private static Gen<string> ArrayOf(int depth) => Gen.Select(
        Value(depth).Array[0, 5],
        Whitespace,
        (items, ws) => "[" + ws + string.Join(ws + "," + ws, items) + ws + "]");

    private static Gen<string> ObjectOf(int depth) => Gen.Select(
        Gen.Select(Gen.Frequency((3, StringOf(KeyCodePoint, 3)), (1, String)), Value(depth)).Array[0, 6],
        Whitespace,
        (members, ws) =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var parts = new List<string>();
            foreach (var (key, value) in members)
            {
                if (seen.Add(key.Value))
                {
                    parts.Add(key.Json + ws + ":" + ws + value);
                }
            }

            return "{" + ws + string.Join(ws + "," + ws, parts) + ws + "}";
        });

    private static Gen<(string Value, string Json)> StringOf(Gen<int> codePoints, int maxLength) =>
        Gen.Select(codePoints, Gen.Int[0, 3], Spell).Array[0, maxLength].Select(characters =>
        {
            var value = new StringBuilder();
            var json = new StringBuilder("\"");
            foreach (var (v, j) in characters)
            {
                value.Append(v);
                json.Append(j);
            }

            return (value.ToString(), json.Append('"').ToString());
        });

    /// <summary>One character and one of its spellings: 0 literal, 1 and 2 \u escapes in lower and upper case, 3 a short escape.</summary>
    private static (string Value, string Json) Spell(int codePoint, int style)
    {
        var value = char.ConvertFromUtf32(codePoint);
        var canBeLiteral = codePoint >= 0x20 && codePoint != '"' && codePoint != '\\';
        string? shortForm = codePoint switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '/' => "\\/",
            0x08 => "\\b",
            0x09 => "\\t",
            0x0A => "\\n",
            0x0C => "\\f",
            0x0D => "\\r",
            _ => null,
        };
        if (style == 3 && shortForm is not null)
        {
            return (value, shortForm);
        }

        if ((style == 0 || style == 3) && canBeLiteral)
        {
            return (value, value);
        }

        var format = style == 2 ? "X4" : "x4";
        var json = new StringBuilder();
        foreach (var unit in value)
        {
            json.Append("\\u").Append(((int)unit).ToString(format, CultureInfo.InvariantCulture));
        }

        return (value, json.ToString());
    }

    /// <summary>Arbitrary decimal text, up to 20 integer and 20 fraction digits, with an exponent that cannot overflow.</summary>
    private static Gen<string> DigitString()
    {
        var digits = Gen.Char['0', '9'];
        var integerPart = Gen.Frequency(
            (1, Gen.Const("0")),
            (4, Gen.Select(Gen.Char['1', '9'], Gen.String[digits, 0, 19], (first, rest) => first + rest)));
        var fraction = Gen.Frequency((1, Gen.Const("")), (1, Gen.String[digits, 1, 20].Select(f => "." + f)));
        return Gen.Select(
            Gen.OneOfConst("", "-"),
            integerPart,
            fraction,
            Gen.Int[-400, 300],
            Gen.OneOfConst("", "e", "E", "E+", "e-", "e+00"),
            (sign, integer, fractionText, exponent, marker) =>
            {
                // Below 10^(integer digits + exponent) <= 10^308, so never infinite.
                exponent = Math.Min(exponent, 308 - integer.Length);
                var magnitude = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
                var exponentText = marker switch
                {
                    "" => "",
                    "e-" => "e-" + magnitude,
                    "e+00" => (exponent < 0 ? "e-00" : "e+00") + magnitude,
                    "E+" => (exponent < 0 ? "E-" : "E+") + magnitude,
                    _ => marker + exponent.ToString(CultureInfo.InvariantCulture),
                };
                return sign + integer + fractionText + exponentText;
            });
    }
}
