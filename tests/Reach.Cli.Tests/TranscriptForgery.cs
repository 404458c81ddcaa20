using System.Text;
using System.Text.Json.Nodes;
using Reach.Core;
using Reach.Core.Transcripts;

namespace Reach.Cli.Tests;

/// <summary>
/// Rewrites a transcript the way an attacker who holds it can: each event's data edited, then every salt, data digest,
/// event hash, the chain and the seal recomputed with Core's own writer, so the result verifies on its own.
/// </summary>
internal static class TranscriptForgery
{
    public static void Rewrite(string path, Func<string, JsonNode, JsonNode> edit)
    {
        var lines = File.ReadAllLines(path);
        var header = TranscriptHeader.Parse(Encoding.UTF8.GetBytes(lines[0]));
        using var stream = new MemoryStream();
        using (var writer = new TranscriptWriter(stream, header, new SystemRandomSource()))
        {
            foreach (var line in lines[1..^1])
            {
                var ev = JsonNode.Parse(line)!;
                var type = ev["type"]!.GetValue<string>();
                writer.Append(type, Encoding.UTF8.GetBytes(edit(type, ev["data"]!.DeepClone()).ToJsonString()));
            }

            writer.Seal();
        }

        var forged = stream.ToArray();
        Assert.Equal(lines[0], Encoding.UTF8.GetString(forged.AsSpan(0, Array.IndexOf(forged, (byte)'\n'))));
        File.WriteAllBytes(path, forged);
    }

    /// <summary>Moves every clock reading a year back: replay feeds recorded readings back, so it sees nothing wrong.</summary>
    public static JsonNode Backdate(string type, JsonNode data)
    {
        _ = type;
        if (data is JsonObject obj && obj["at"] is JsonValue at)
        {
            obj["at"] = DateTimeOffset.Parse(at.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).AddYears(-1)
                .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }

        return data;
    }
}
