namespace Reach.Core.Json;

/// <summary>
/// Where each value of a JSON document is, by JSON pointer, and which keys appear twice in one object.
/// </summary>
/// <remarks>
/// JsonSchema.Net reports instance locations as JSON pointers, and System.Text.Json's DOM keeps no positions, so no
/// package we use can say on which line a pointer's value sits; one pass of <see cref="Utf8JsonReader"/> can. A
/// member's pointer maps to its key (where a reader's eye goes first); an array item's to the item itself.
/// </remarks>
public sealed class JsonSourceMap
{
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);
    private readonly List<string> _duplicateKeys = [];

    private JsonSourceMap()
    {
    }

    /// <summary>Pointers of members whose key already appeared in the same object, in document order.</summary>
    public IReadOnlyList<string> DuplicateKeys => _duplicateKeys;

    /// <summary>Maps <paramref name="json"/>; a syntax error throws <see cref="JsonException"/> with its line and byte position.</summary>
    public static JsonSourceMap Build(ReadOnlySpan<byte> json)
    {
        var map = new JsonSourceMap();
        var lines = LineStarts(json);
        RequireUtf8(json, lines);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var cursor = new ColumnCursor();
        var frames = new Stack<Frame>();
        string? memberPointer = null;
        while (reader.Read())
        {
            var position = cursor.Move(json, lines, (int)reader.TokenStartIndex);
            if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && !reader.ValueIsEscaped)
            {
                // Valid UTF-8 (checked above) without escapes always decodes.
            }
            else if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String)
            {
                RequireDecodable(ref reader, position);
            }

            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                var frame = frames.Peek();
                var name = reader.GetString()!;
                memberPointer = frame.Pointer + "/" + Escape(name);
                if (!frame.Keys!.Add(name))
                {
                    map._duplicateKeys.Add(memberPointer);
                }
                else
                {
                    map._positions[memberPointer] = position;
                }

                continue;
            }

            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                frames.Pop();
                continue;
            }

            string pointer;
            if (frames.Count == 0)
            {
                pointer = "";
                map._positions[pointer] = position;
            }
            else if (frames.Peek() is { Keys: null } array)
            {
                pointer = array.Pointer + "/" + array.NextIndex.ToString(CultureInfo.InvariantCulture);
                array.NextIndex++;
                map._positions[pointer] = position;
            }
            else
            {
                pointer = memberPointer!;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                frames.Push(new Frame(pointer, new HashSet<string>(StringComparer.Ordinal)));
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                frames.Push(new Frame(pointer, null));
            }
        }

        return map;
    }

    /// <summary>The position of the value at <paramref name="pointer"/>, or of its nearest ancestor that exists.</summary>
    public SourcePosition Locate(string pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        var current = pointer;
        while (true)
        {
            if (_positions.TryGetValue(current, out var position))
            {
                return position;
            }

            if (current.Length == 0)
            {
                return new SourcePosition(1, 1);
            }

            current = current[..current.LastIndexOf('/')];
        }
    }

    /// <summary>Escapes a member name as a JSON pointer token (RFC 6901: <c>~</c> as <c>~0</c>, <c>/</c> as <c>~1</c>).</summary>
    public static string Escape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }

    private static void RequireUtf8(ReadOnlySpan<byte> json, List<int> lines)
    {
        var offset = 0;
        while (offset < json.Length)
        {
            if (Rune.DecodeFromUtf8(json[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                var at = Position(json, lines, offset);
                throw new JsonException($"pack.json is not UTF-8: an invalid byte at {at}", null, at.Line - 1, at.Column - 1);
            }

            offset += consumed;
        }
    }

    private static void RequireDecodable(ref Utf8JsonReader reader, SourcePosition position)
    {
        try
        {
            _ = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\uD800) is valid JSON syntax but no Unicode text.
            throw new JsonException($"a string holds a lone UTF-16 surrogate at {position}", null, position.Line - 1, position.Column - 1);
        }
    }

    private static List<int> LineStarts(ReadOnlySpan<byte> json)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    /// <summary>
    /// Positions of tokens in document order, each counted on from the one before on the same line: a pack written on
    /// one line (a generated 4000-step manifest is 340 KB of it) would otherwise cost a scan from the line start per token.
    /// </summary>
    private struct ColumnCursor
    {
        private int _line;
        private int _offset;
        private int _column;

        public SourcePosition Move(ReadOnlySpan<byte> json, List<int> lineStarts, int offset)
        {
            var line = lineStarts.BinarySearch(offset);
            if (line < 0)
            {
                line = ~line - 1;
            }

            if (_column == 0 || line != _line || offset < _offset)
            {
                (_line, _offset, _column) = (line, lineStarts[line], 1);
            }

            _column = Advance(json, _offset, offset, _column);
            _offset = offset;
            return new SourcePosition(line + 1, _column);
        }
    }

    private static int Advance(ReadOnlySpan<byte> json, int from, int to, int column)
    {
        // Count UTF-16 code units, as editors do, not bytes: a continuation byte (10xxxxxx) adds nothing, and the lead
        // byte of a 4-byte sequence (11110xxx, outside the BMP) adds a surrogate pair.
        for (var i = from; i < to; i++)
        {
            var b = json[i];
            column += (b & 0xC0) == 0x80 ? 0 : (b & 0xF8) == 0xF0 ? 2 : 1;
        }

        return column;
    }

    private static SourcePosition Position(ReadOnlySpan<byte> json, List<int> lineStarts, int offset)
    {
        var line = lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        // Count UTF-16 code units, as editors do, not bytes: a continuation byte (10xxxxxx) adds nothing, and the lead
        // byte of a 4-byte sequence (11110xxx, outside the BMP) adds a surrogate pair.
        var column = 1;
        for (var i = lineStarts[line]; i < offset; i++)
        {
            var b = json[i];
            column += (b & 0xC0) == 0x80 ? 0 : (b & 0xF8) == 0xF0 ? 2 : 1;
        }

        return new SourcePosition(line + 1, column);
    }

    private sealed class Frame(string pointer, HashSet<string>? keys)
    {
        public string Pointer { get; } = pointer;

        public HashSet<string>? Keys { get; } = keys;

        public int NextIndex { get; set; }
    }
}
