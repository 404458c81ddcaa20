using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;
using Reach.Core.Errors;

namespace Reach.Core.Json;

public static partial class CanonicalJson
{
    // The reader is allowed one level more than MaxDepth so that the extra level reaches our own check and
    // is reported as REACH-1005 rather than as a generic syntax error.
    private static readonly JsonReaderOptions StrictOptions = new()
    {
        MaxDepth = MaxDepth + 1,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static readonly JsonReaderOptions ElementOptions = new()
    {
        MaxDepth = MaxDepth + 1,
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private enum TokenKind : byte
    {
        Null,
        False,
        True,
        Integer,
        Number,
        String,
        Name,
        Array,
        Object,
    }

    /// <summary>One value or member name of the parsed document, in document order.</summary>
    private struct Token
    {
        /// <summary>Integer: the value. Number: the double's bits. Escaped String/Name: offset of the unescaped UTF-8 in the scratch buffer. Object: start of its sorted member names.</summary>
        public long Payload;

        /// <summary>Byte offset in the input; for strings, just after the opening quote.</summary>
        public int Start;

        /// <summary>String/Name: length of the raw text between the quotes. Object: number of members.</summary>
        public int Length;

        /// <summary>Array/Object: index of the token after its last descendant. Escaped String/Name: length of the unescaped UTF-8.</summary>
        public int Next;

        public TokenKind Kind;

        /// <summary>String/Name: the raw text holds escapes, so the unescaped form lives in the scratch buffer.</summary>
        public bool Escaped;
    }

    /// <summary>
    /// The document as a flat list of tokens, read in one pass that also makes every check (syntax, UTF-8,
    /// surrogates, number range, depth, duplicate keys), so errors come in document order and before any
    /// output. Each object's member names are sorted when it closes.
    /// </summary>
    private ref partial struct Tape
    {
        private readonly ReadOnlySpan<byte> _input;
        private Token[] _tokens;
        private int _count;
        private int[] _openNames;
        private int _openNameCount;
        private int[] _sortedNames;
        private int _sortedNameCount;
        private byte[]? _scratch;
        private int _scratchUsed;

        public Tape(ReadOnlySpan<byte> input)
        {
            _input = input;
            var estimate = Math.Clamp(input.Length / 8, 16, 1 << 20);
            _tokens = ArrayPool<Token>.Shared.Rent(estimate);
            _openNames = ArrayPool<int>.Shared.Rent(estimate / 2);
            _sortedNames = ArrayPool<int>.Shared.Rent(estimate / 2);
            _count = 0;
            _openNameCount = 0;
            _sortedNameCount = 0;
            _scratch = null;
            _scratchUsed = 0;
        }

        public void Dispose()
        {
            ArrayPool<Token>.Shared.Return(_tokens);
            ArrayPool<int>.Shared.Return(_openNames);
            ArrayPool<int>.Shared.Return(_sortedNames);
            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _tokens = [];
            _openNames = [];
            _sortedNames = [];
            _scratch = null;
        }

        public void Read(JsonReaderOptions options)
        {
            var reader = new Utf8JsonReader(_input, options);
            Span<int> open = stackalloc int[MaxDepth + 1];
            Span<int> namesBase = stackalloc int[MaxDepth + 1];
            var depth = 0;
            try
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject:
                        case JsonTokenType.StartArray:
                            if (reader.CurrentDepth >= MaxDepth)
                            {
                                Throw(ErrorCatalog.JsonTooDeep, (int)reader.TokenStartIndex, string.Create(CultureInfo.InvariantCulture, $"more than {MaxDepth} nested arrays and objects"));
                            }

                            open[depth] = Add(reader.TokenType == JsonTokenType.StartObject ? TokenKind.Object : TokenKind.Array, (int)reader.TokenStartIndex);
                            namesBase[depth] = _openNameCount;
                            depth++;
                            break;
                        case JsonTokenType.EndObject:
                            depth--;
                            CloseObject(open[depth], namesBase[depth]);
                            break;
                        case JsonTokenType.EndArray:
                            depth--;
                            _tokens[open[depth]].Next = _count;
                            break;
                        case JsonTokenType.PropertyName:
                            PushName(AddString(ref reader, TokenKind.Name));
                            break;
                        case JsonTokenType.String:
                            AddString(ref reader, TokenKind.String);
                            break;
                        case JsonTokenType.Number:
                            AddNumber(ref reader);
                            break;
                        case JsonTokenType.True:
                            Add(TokenKind.True, (int)reader.TokenStartIndex);
                            break;
                        case JsonTokenType.False:
                            Add(TokenKind.False, (int)reader.TokenStartIndex);
                            break;
                        case JsonTokenType.Null:
                            Add(TokenKind.Null, (int)reader.TokenStartIndex);
                            break;
                        default:
                            break; // comments, only with ElementOptions, which skip them anyway
                    }
                }
            }
            catch (JsonException exception)
            {
                throw Invalid(exception);
            }
        }

        private int Add(TokenKind kind, int start)
        {
            if (_count == _tokens.Length)
            {
                var bigger = ArrayPool<Token>.Shared.Rent(_tokens.Length * 2);
                _tokens.AsSpan(0, _count).CopyTo(bigger);
                ArrayPool<Token>.Shared.Return(_tokens);
                _tokens = bigger;
            }

            _tokens[_count] = new Token { Kind = kind, Start = start };
            return _count++;
        }

        private int AddString(ref Utf8JsonReader reader, TokenKind kind)
        {
            var raw = reader.ValueSpan;
            var start = (int)reader.TokenStartIndex + 1;

            // The reader checks escapes and control characters but not UTF-8; escapes are ASCII, so checking
            // the raw text also covers the unescaped form.
            if (!Utf8.IsValid(raw))
            {
                Throw(ErrorCatalog.JsonInvalid, start + IndexOfInvalidUtf8(raw), "the string is not valid UTF-8");
            }

            var index = Add(kind, start);
            ref var token = ref _tokens[index];
            token.Length = raw.Length;
            if (!reader.ValueIsEscaped)
            {
                return index;
            }

            // Unescaped text is never longer than its raw form, so one input-sized buffer holds them all.
            _scratch ??= ArrayPool<byte>.Shared.Rent(_input.Length);
            var length = Unescape(raw, _scratch.AsSpan(_scratchUsed), out var loneSurrogateAt);
            if (length < 0)
            {
                Throw(ErrorCatalog.JsonLoneSurrogate, start + loneSurrogateAt, "the escape is a UTF-16 surrogate that does not form a pair");
            }

            token.Escaped = true;
            token.Payload = _scratchUsed;
            token.Next = length;
            _scratchUsed += length;
            return index;
        }

        private void AddNumber(ref Utf8JsonReader reader)
        {
            var raw = reader.ValueSpan;
            var start = (int)reader.TokenStartIndex;
            if (raw.Length <= 16
                && raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0
                && reader.TryGetInt64(out var integer)
                && integer is >= -MaxExactInteger and <= MaxExactInteger)
            {
                var index = Add(TokenKind.Integer, start);
                _tokens[index].Payload = integer;
                return;
            }

            // Correctly rounded (9007199254740993 reads as 9007199254740992, as in JavaScript); too large a
            // magnitude reads as infinity, which has no canonical form.
            if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                Throw(ErrorCatalog.JsonNumberOutOfRange, start, "the number is too large for an IEEE 754 double");
            }

            var numberIndex = Add(TokenKind.Number, start);
            _tokens[numberIndex].Payload = BitConverter.DoubleToInt64Bits(value);
        }

        private void PushName(int index)
        {
            if (_openNameCount == _openNames.Length)
            {
                var bigger = ArrayPool<int>.Shared.Rent(_openNames.Length * 2);
                _openNames.AsSpan(0, _openNameCount).CopyTo(bigger);
                ArrayPool<int>.Shared.Return(_openNames);
                _openNames = bigger;
            }

            _openNames[_openNameCount++] = index;
        }

        [DoesNotReturn]
        private readonly void Throw(ErrorCode error, int offset, string detail, Dictionary<string, object?>? details = null)
        {
            var before = _input[..offset];
            var line = before.Count((byte)'\n') + 1;
            var column = offset - (before.LastIndexOf((byte)'\n') + 1) + 1;
            throw At(error, line, column, detail, details);
        }

        private static ReachException Invalid(JsonException exception)
        {
            var line = (int)(exception.LineNumber ?? 0) + 1;
            var column = (int)(exception.BytePositionInLine ?? 0) + 1;

            // The reader's message ends with its own 0-based position, which would contradict ours.
            var detail = exception.Message;
            var suffix = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (suffix >= 0)
            {
                detail = detail[..suffix];
            }

            return At(ErrorCatalog.JsonInvalid, line, column, detail.TrimEnd('.'), null, exception);
        }

        private static ReachException At(ErrorCode error, int line, int column, string detail, Dictionary<string, object?>? details, Exception? inner = null)
        {
            details ??= [];
            details["line"] = line;
            details["column"] = column;
            var message = string.Create(CultureInfo.InvariantCulture, $"{error.Title} at line {line}, column {column}: {detail}.");
            return new ReachException(error, message, inner) { Details = details };
        }
    }
}
