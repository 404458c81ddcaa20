using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Json;

namespace Reach.Core.Transcripts;

/// <summary>The first line of a transcript; its SHA-256 is event 0's <c>prev</c>, which binds it into the chain.</summary>
public sealed record TranscriptHeader
{
    /// <summary>The format version (1).</summary>
    public int Format { get; init; } = EngineInfo.FormatVersion;

    /// <summary>The run's id: 32 lowercase hex digits drawn from the run's randomness.</summary>
    public required string RunId { get; init; }

    /// <summary>The pack's name.</summary>
    public required string PackName { get; init; }

    /// <summary>The pack's version.</summary>
    public required string PackVersion { get; init; }

    /// <summary>The pack's digest (docs/EVENT_MODEL.md).</summary>
    public required Sha256Digest PackDigest { get; init; }

    /// <summary>The digest of the canonical run inputs.</summary>
    public required Sha256Digest InputsDigest { get; init; }

    /// <summary>The digest of the policy the gate enforced.</summary>
    public required Sha256Digest PolicyDigest { get; init; }

    /// <summary>The engine id.</summary>
    public string Engine { get; init; } = EngineInfo.Engine;

    /// <summary>The header as its canonical JSON line (without the newline).</summary>
    public byte[] ToCanonicalJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Raw(buffer, "{\"engine\":"u8);
        CanonicalJson.WriteString(Engine, buffer);
        Raw(buffer, ",\"format\":"u8);
        CanonicalJson.WriteInteger(Format, buffer);
        Raw(buffer, ",\"inputs_digest\":"u8);
        CanonicalJson.WriteString(InputsDigest.ToString(), buffer);
        Raw(buffer, ",\"pack\":{\"name\":"u8);
        CanonicalJson.WriteString(PackName, buffer);
        Raw(buffer, ",\"version\":"u8);
        CanonicalJson.WriteString(PackVersion, buffer);
        Raw(buffer, "},\"pack_digest\":"u8);
        CanonicalJson.WriteString(PackDigest.ToString(), buffer);
        Raw(buffer, ",\"policy_digest\":"u8);
        CanonicalJson.WriteString(PolicyDigest.ToString(), buffer);
        Raw(buffer, ",\"run_id\":"u8);
        CanonicalJson.WriteString(RunId, buffer);
        Raw(buffer, ",\"type\":"u8);
        CanonicalJson.WriteString(TranscriptFormat.HeaderType, buffer);
        Raw(buffer, "}"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The header's hash: SHA-256 of its canonical line.</summary>
    public Sha256Digest Hash() => Sha256Digest.Compute(ToCanonicalJson());

    /// <summary>Reads a header line; the line must be canonical and carry exactly the header's fields.</summary>
    /// <exception cref="ReachException">REACH-1101, 1102 or 1103.</exception>
    public static TranscriptHeader Parse(ReadOnlySpan<byte> line)
    {
        // JsonDocument does not validate UTF-8 inside strings; reading such a string would throw InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            throw new ReachException(ErrorCatalog.TranscriptNotJsonLines, "Line 1 is not JSON: it is not valid UTF-8.")
            {
                Details = new Dictionary<string, object?> { ["line"] = 1 },
            };
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray());
        }
        catch (JsonException ex)
        {
            var (_, column) = JsonErrorText.Position(ex);
            throw new ReachException(ErrorCatalog.TranscriptNotJsonLines, string.Create(CultureInfo.InvariantCulture, $"This is not a Reach transcript (JSON Lines: one JSON object per line, the header first): line 1, column {column}: {JsonErrorText.Plain(ex)}."))
            {
                Details = new Dictionary<string, object?> { ["line"] = 1, ["column"] = column },
            };
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != TranscriptFormat.HeaderType)
            {
                throw new ReachException(ErrorCatalog.TranscriptNotJsonLines, "Line 1 is not a Reach transcript header (no \"type\":\"reach.transcript\").")
                {
                    Details = new Dictionary<string, object?> { ["line"] = 1 },
                };
            }

            if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Number || !format.TryGetInt32(out var version) || version != EngineInfo.FormatVersion)
            {
                throw new ReachException(ErrorCatalog.TranscriptUnknownFormat, $"The header's format is {(root.TryGetProperty("format", out var f) ? f.GetRawText() : "missing")}; this engine reads format {EngineInfo.FormatVersion}.")
                {
                    Details = new Dictionary<string, object?> { ["line"] = 1 },
                };
            }

            try
            {
                var pack = Member(root, "pack", JsonValueKind.Object);
                var header = new TranscriptHeader
                {
                    Format = version,
                    Engine = Member(root, "engine", JsonValueKind.String).GetString()!,
                    RunId = Member(root, "run_id", JsonValueKind.String).GetString()!,
                    PackName = Member(pack, "name", JsonValueKind.String).GetString()!,
                    PackVersion = Member(pack, "version", JsonValueKind.String).GetString()!,
                    PackDigest = Sha256Digest.Parse(Member(root, "pack_digest", JsonValueKind.String).GetString()!),
                    InputsDigest = Sha256Digest.Parse(Member(root, "inputs_digest", JsonValueKind.String).GetString()!),
                    PolicyDigest = Sha256Digest.Parse(Member(root, "policy_digest", JsonValueKind.String).GetString()!),
                };
                if (!header.ToCanonicalJson().AsSpan().SequenceEqual(line))
                {
                    throw new FormatException("the header has extra fields or is not in canonical form");
                }

                return header;
            }
            catch (Exception ex) when (ex is FormatException or KeyNotFoundException or InvalidOperationException)
            {
                throw new ReachException(ErrorCatalog.TranscriptHeaderInvalid, $"The header on line 1 is malformed: {ex.Message}.")
                {
                    Details = new Dictionary<string, object?> { ["line"] = 1 },
                };
            }
        }
    }

    private static JsonElement Member(JsonElement obj, string name, JsonValueKind kind)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw new KeyNotFoundException($"'{name}' is missing");
        }

        if (value.ValueKind != kind)
        {
            throw new FormatException($"'{name}' is not of type {kind}");
        }

        return value;
    }

    private static void Raw(IBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);
}
