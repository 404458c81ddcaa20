using System.Runtime.InteropServices;
using Reach.Core.Errors;

namespace Reach.Core.Json;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme. No NuGet package implements it, so it is written here over
/// System.Text.Json's reader: numbers as ECMAScript prints them, keys sorted by UTF-16 code units,
/// strings escaped as the RFC says; duplicate keys and lone surrogates are refused.
/// </summary>
/// <remarks>
/// Hand-written rather than built on <see cref="Utf8JsonWriter"/>: the writer escapes non-ASCII and
/// HTML-sensitive characters, prints numbers in .NET's layout and keeps members in input order, and no
/// package on NuGet implements RFC 8785. The input is read once into a flat token tape (arrays reused per
/// thread), by a hand-written reader for well-formed documents and by <see cref="Utf8JsonReader"/> for all
/// it declines, errors included; every check runs in that pass, which also counts the exact output length,
/// and the canonical text is then written from the tape into one span; nothing is written when the input
/// is refused.
/// </remarks>
public static partial class CanonicalJson
{
    /// <summary>The deepest nesting of arrays and objects accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Parses UTF-8 JSON and returns its canonical form.</summary>
    /// <exception cref="ReachException">REACH-1001..1005 for invalid input, with line and column.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json) => ToArray(utf8Json, StrictOptions);

    /// <summary>Parses UTF-8 JSON (RFC 8259: no comments, no trailing commas) and writes its canonical form.</summary>
    /// <exception cref="ReachException">REACH-1001..1005 for invalid input, with line and column; nothing is written then.</exception>
    public static void Canonicalize(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Write(utf8Json, StrictOptions, output);
    }

    /// <summary>Returns the canonical form of an already parsed element.</summary>
    /// <exception cref="ReachException">REACH-1002..1005; line and column count within the element's own text.</exception>
    public static byte[] Canonicalize(JsonElement element) => ToArray(RawText(element), ElementOptions);

    /// <summary>
    /// Writes the canonical form of an already parsed element. <see cref="JsonDocument"/> keeps duplicate keys
    /// and lone surrogate escapes, so they are refused here as in parsing.
    /// </summary>
    /// <exception cref="ReachException">REACH-1002..1005; line and column count within the element's own text.</exception>
    public static void WriteElement(JsonElement element, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Write(RawText(element), ElementOptions, output);
    }

    /// <summary>Makes every check <see cref="Canonicalize(ReadOnlySpan{byte})"/> makes, writing nothing.</summary>
    /// <exception cref="ReachException">REACH-1001..1005 for invalid input, with line and column.</exception>
    internal static void Check(ReadOnlySpan<byte> utf8Json) => Check(utf8Json, StrictOptions);

    /// <summary>Makes every check <see cref="Canonicalize(JsonElement)"/> makes (duplicate keys, lone surrogate escapes, range, depth), writing nothing.</summary>
    /// <exception cref="ReachException">REACH-1002..1005; line and column count within the element's own text.</exception>
    internal static void Check(JsonElement element) => Check(RawText(element), ElementOptions);

    private static void Check(ReadOnlySpan<byte> utf8Json, JsonReaderOptions options)
    {
        var tape = new Tape(utf8Json);
        try
        {
            tape.Read(options);
        }
        finally
        {
            tape.Dispose();
        }
    }

    private static ReadOnlySpan<byte> RawText(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The element has no value (default JsonElement).", nameof(element));
        }

        // The element's original UTF-8 text, without a copy; the document that owns it may have allowed
        // comments and trailing commas, which ElementOptions therefore accepts.
        return JsonMarshal.GetRawUtf8Value(element);
    }

    private static byte[] ToArray(ReadOnlySpan<byte> utf8Json, JsonReaderOptions options)
    {
        var tape = new Tape(utf8Json);
        try
        {
            tape.Read(options);
            var result = GC.AllocateUninitializedArray<byte>(tape.OutputLength);
            tape.Write(result);
            return result;
        }
        finally
        {
            tape.Dispose();
        }
    }

    private static void Write(ReadOnlySpan<byte> utf8Json, JsonReaderOptions options, IBufferWriter<byte> output)
    {
        var tape = new Tape(utf8Json);
        try
        {
            tape.Read(options);
            var length = tape.OutputLength;
            tape.Write(output.GetSpan(length)[..length]);
            output.Advance(length);
        }
        finally
        {
            tape.Dispose();
        }
    }
}
