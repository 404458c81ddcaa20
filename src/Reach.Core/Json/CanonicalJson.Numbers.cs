using System.Buffers.Text;
using Reach.Core.Errors;

namespace Reach.Core.Json;

public static partial class CanonicalJson
{
    /// <summary>2^53: every integer up to this magnitude is a double, printed as its plain digits.</summary>
    private const long MaxExactInteger = 9007199254740992;

    /// <summary>Enough for the longest ECMAScript form, e.g. <c>-0.0000033333333333333333</c> (25 bytes).</summary>
    private const int MaxNumberLength = 32;

    /// <summary>Writes a number as ECMAScript's Number.prototype.toString does (RFC 8785 §3.2.2.3); -0 is written 0.</summary>
    /// <exception cref="ReachException">REACH-1004 for NaN and infinities, which JSON cannot express.</exception>
    public static void WriteNumber(double value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!double.IsFinite(value))
        {
            throw NotFinite(value);
        }

        var span = output.GetSpan(MaxNumberLength);
        output.Advance(FormatNumber(value, span));
    }

    /// <summary>
    /// Writes an integer; the same bytes as <see cref="WriteNumber"/> for the same value. Beyond ±2^53 the
    /// value is first rounded to a double, as RFC 8785 (and JavaScript) reads every number.
    /// </summary>
    public static void WriteInteger(long value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(MaxNumberLength);
        output.Advance(value is >= -MaxExactInteger and <= MaxExactInteger
            ? FormatInteger(value, span)
            : FormatNumber(value, span));
    }

    private static ReachException NotFinite(double value) => new(
        ErrorCatalog.JsonNumberOutOfRange,
        string.Create(CultureInfo.InvariantCulture, $"{ErrorCatalog.JsonNumberOutOfRange.Title}: {value} has no JSON form."));

    /// <summary>
    /// Whether number text is already in ECMAScript's form, so it can be copied without parsing: no exponent,
    /// at most 21 integer digits, no trailing zero after a point, at most five zeros between "0." and the
    /// first digit, not zero, and at most 15 significant digits. Any decimal of up to 15 significant digits
    /// survives the round trip through a double, so those digits are the shortest that identify it.
    /// </summary>
    private static bool IsCanonicalNumberText(ReadOnlySpan<byte> text)
    {
        var position = text[0] == (byte)'-' ? 1 : 0;
        var integerStart = position;
        while (position < text.Length && char.IsAsciiDigit((char)text[position]))
        {
            position++;
        }

        var integerDigits = position - integerStart;
        if (integerDigits > 21)
        {
            return false;
        }

        var pointAt = -1;
        if (position < text.Length)
        {
            if (text[position] != (byte)'.' || text[^1] == (byte)'0')
            {
                return false;
            }

            pointAt = position;
            position++;
            while (position < text.Length && char.IsAsciiDigit((char)text[position]))
            {
                position++;
            }

            if (position < text.Length)
            {
                return false;
            }
        }

        var digits = text[integerStart..];
        var first = digits.IndexOfAnyInRange((byte)'1', (byte)'9');
        if (first < 0)
        {
            return false;
        }

        var last = digits.LastIndexOfAnyInRange((byte)'1', (byte)'9');
        var significant = last - first + 1;
        if (pointAt >= 0 && first < pointAt - integerStart && last > pointAt - integerStart)
        {
            significant--;
        }

        if (integerDigits == 1 && digits[0] == (byte)'0' && first - 2 > 5)
        {
            return false;
        }

        return significant <= 15;
    }

    /// <summary>Reads the exponent of .NET's "R" text: a sign and decimal digits, e.g. <c>+23</c> or <c>-07</c>.</summary>
    private static int ParseExponent(ReadOnlySpan<byte> text)
    {
        var value = 0;
        foreach (var c in text[1..])
        {
            value = (value * 10) + (c - '0');
        }

        return text[0] == (byte)'-' ? -value : value;
    }

    private static int FormatInteger(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }

    /// <summary>
    /// Formats a finite double into at least <see cref="MaxNumberLength"/> bytes. .NET's "R" format gives the
    /// shortest digits that round-trip (as ECMAScript requires, ties to the closer value), but in its own
    /// layout (<c>1E+23</c>, <c>1E-07</c>, <c>0.0001</c>); the digits and decimal exponent are taken from it
    /// and laid out again by the rules of ECMA-262 Number::toString.
    /// </summary>
    private static int FormatNumber(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        if (value is >= -MaxExactInteger and <= MaxExactInteger && value == Math.Truncate(value))
        {
            return FormatInteger((long)value, destination);
        }

        Span<byte> text = stackalloc byte[MaxNumberLength];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);

        // Decompose the .NET text into digits s (k of them, no leading or trailing zeros) and the ECMAScript
        // exponent n, so that the value is 0.s × 10^n.
        Span<byte> digits = stackalloc byte[MaxNumberLength];
        var k = 0;
        var integerDigits = 0;
        var leadingZeros = 0;
        var seenPoint = false;
        var exponent = 0;
        var position = value < 0 ? 1 : 0;
        for (; position < length; position++)
        {
            var c = text[position];
            if (c == (byte)'.')
            {
                seenPoint = true;
            }
            else if (c == (byte)'E')
            {
                exponent = ParseExponent(text[(position + 1)..length]);
                break;
            }
            else
            {
                if (!seenPoint)
                {
                    integerDigits++;
                }

                if (k == 0 && c == (byte)'0')
                {
                    leadingZeros++;
                }
                else
                {
                    digits[k++] = c;
                }
            }
        }

        while (digits[k - 1] == (byte)'0')
        {
            k--;
        }

        var n = integerDigits - leadingZeros + exponent;
        var written = 0;
        if (value < 0)
        {
            destination[written++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            // Integer digits, padded with zeros: 123456789012345680000.
            digits[..k].CopyTo(destination[written..]);
            written += k;
            destination.Slice(written, n - k).Fill((byte)'0');
            written += n - k;
        }
        else if (0 < n && n <= 21)
        {
            // A point inside the digits: 333333333.3333333.
            digits[..n].CopyTo(destination[written..]);
            written += n;
            destination[written++] = (byte)'.';
            digits[n..k].CopyTo(destination[written..]);
            written += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            // Small fractions keep the point: 0.000001.
            destination[written++] = (byte)'0';
            destination[written++] = (byte)'.';
            destination.Slice(written, -n).Fill((byte)'0');
            written += -n;
            digits[..k].CopyTo(destination[written..]);
            written += k;
        }
        else
        {
            // Exponent form: 1e+21, 5e-324, 1.7976931348623157e+308.
            destination[written++] = digits[0];
            if (k > 1)
            {
                destination[written++] = (byte)'.';
                digits[1..k].CopyTo(destination[written..]);
                written += k - 1;
            }

            destination[written++] = (byte)'e';
            destination[written++] = n - 1 < 0 ? (byte)'-' : (byte)'+';
            Utf8Formatter.TryFormat(Math.Abs(n - 1), destination[written..], out var exponentLength);
            written += exponentLength;
        }

        return written;
    }
}
