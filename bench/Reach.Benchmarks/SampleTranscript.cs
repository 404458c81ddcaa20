namespace Reach.Benchmarks;

/// <summary>Headers and event data for the benchmarks: shaped like what a run records, generated deterministically.</summary>
public static class SampleTranscript
{
    /// <summary>
    /// A tool.result-like event of 256 bytes that is not canonical (keys out of order, spaces after colons and commas,
    /// a newline), so appending it exercises the whole canonicalizer: parse, sort, re-emit.
    /// </summary>
    public static readonly byte[] NonCanonicalEvent =
        """
        { "tool": "http.get", "step": "fetch3", "effect": "recorded",
          "output": { "status": 200, "url": "https://example.com/v1/items?page=3", "bytes": 15320,
            "headers": { "etag": "\"a1b2c3\"", "content-type": "application/json" }, "ms": 12.5 }, "index": 3 }
        """u8.ToArray();

    /// <summary>A header with fixed digests.</summary>
    public static TranscriptHeader Header(string packName = "bench") => new()
    {
        RunId = "00112233445566778899aabbccddeeff",
        PackName = packName,
        PackVersion = "1.0.0",
        PackDigest = Sha256Digest.Compute("pack"u8),
        InputsDigest = Sha256Digest.Compute("{}"u8),
        PolicyDigest = Sha256Digest.Compute("policy"u8),
    };

    /// <summary>
    /// Writes one event's data: a mix of small gate decisions (~200 B), tool results of a few hundred bytes and
    /// larger outputs (1–4 KB of text, arrays of numbers), as a run of real steps produces.
    /// </summary>
    public static void WriteMixedEventData(Utf8JsonWriter writer, long index, DeterministicRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(random);
        writer.WriteStartObject();
        switch (index % 4)
        {
            case 0:
                writer.WriteString("at", "2025-06-01T12:00:00.0000000Z");
                writer.WriteNumber("index", index / 4);
                writer.WriteStartObject("input");
                writer.WriteString("url", string.Create(CultureInfo.InvariantCulture, $"https://api.example.com/v1/items?page={index}"));
                writer.WriteNumber("timeout_ms", 10000);
                writer.WriteEndObject();
                writer.WriteString("step", string.Create(CultureInfo.InvariantCulture, $"s{index / 4}"));
                writer.WriteString("tool", "http.get");
                break;
            case 1:
                writer.WriteString("effect", "permit");
                writer.WriteString("reason", "the pack declares http.get and grants the permissions it needs");
                writer.WriteStartArray("rules");
                writer.WriteStringValue("declared-tools");
                writer.WriteStringValue("permissions");
                writer.WriteEndArray();
                writer.WriteString("step", string.Create(CultureInfo.InvariantCulture, $"s{index / 4}"));
                writer.WriteString("tool", "http.get");
                break;
            case 2:
                writer.WriteNumber("cost", 1);
                writer.WriteString("effect", "permit");
                writer.WriteString("reason", "within every budget");
                writer.WriteString("step", string.Create(CultureInfo.InvariantCulture, $"s{index / 4}"));
                writer.WriteString("tool", "http.get");
                writer.WriteStartObject("usage");
                writer.WriteNumber("cost", index / 4);
                writer.WriteNumber("duration_ms", index * 3);
                writer.WriteNumber("steps", index / 4);
                writer.WriteNumber("tool_calls", index / 4);
                writer.WriteEndObject();
                break;
            default:
                writer.WriteString("effect", "recorded");
                writer.WriteStartObject("output");
                writer.WriteString("body", Text(random, 200 + random.Next(3800)));
                writer.WriteStartObject("headers");
                writer.WriteString("content-type", "text/plain; charset=utf-8");
                writer.WriteString("etag", random.Next().ToString("x16", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
                writer.WriteStartArray("timings");
                for (var i = 0; i < 8; i++)
                {
                    writer.WriteNumberValue(random.Next(100_000) / 8.0);
                }

                writer.WriteEndArray();
                writer.WriteNumber("status", 200);
                writer.WriteEndObject();
                writer.WriteString("step", string.Create(CultureInfo.InvariantCulture, $"s{index / 4}"));
                writer.WriteString("tool", "http.get");
                break;
        }

        writer.WriteEndObject();
    }

    private static string Text(DeterministicRandomSource random, int length)
    {
        string[] words = ["the", "run", "records", "every", "tool", "call", "and", "its", "result", "in", "a", "hash", "chain", "Ünïcödé", "\"quoted\"", "line\nbreak"];
        var builder = new StringBuilder(length + 16);
        while (builder.Length < length)
        {
            builder.Append(words[random.Next(words.Length)]).Append(' ');
        }

        return builder.ToString();
    }
}
