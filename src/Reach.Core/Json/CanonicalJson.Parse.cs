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
        Verbatim,
        Formatted,
        String,
        Name,
        Array,
        Object,
    }

    /// <summary>One value or member name of the parsed document, in document order.</summary>
    private struct Token
    {
        /// <summary>Byte offset in the input; for strings, just after the opening quote.</summary>
        public int Start;

        /// <summary>String/Name/Verbatim: length of the raw text (strings: between the quotes). Object: number of members.</summary>
        public int Length;

        /// <summary>Escaped String/Name, Formatted: offset of the text in the scratch buffer. Object: start of its sorted names.</summary>
        public int Offset;

        /// <summary>Array/Object: index of the token after its last descendant. Escaped String/Name, Formatted: length of the scratch text.</summary>
        public int Next;

        public TokenKind Kind;

        /// <summary>String/Name: the raw text holds escapes, so the unescaped form lives in the scratch buffer.</summary>
        public bool Escaped;
    }

    /// <summary>
    /// The document as a flat list of tokens, read in one pass that also makes every check (syntax, UTF-8,
    /// surrogates, number range, depth, duplicate keys), so errors come in document order and before any
    /// output. Each object's member names are sorted when it closes, numbers are put in their final form,
    /// and the exact length of the canonical text is counted, so writing needs one span and no checks.
    /// </summary>
    private ref partial struct Tape
    {
        private readonly ReadOnlySpan<byte> _input;
        private readonly Workspace _workspace;
        private Token[] _tokens;
        private int _count;
        private Member[] _openNames;
        private int _openNameCount;
        private int[] _sortedNames;
        private int _sortedNameCount;
        private byte[] _scratch;
        private int _scratchUsed;
        private int _textLength;
        private int _nonEmptyContainers;

        public Tape(ReadOnlySpan<byte> input)
        {
            _input = input;
            _workspace = Workspace.Acquire();
            _tokens = _workspace.Tokens;
            _openNames = _workspace.OpenNames;
            _sortedNames = _workspace.SortedNames;
            _scratch = _workspace.Scratch;
            _count = 0;
            _openNameCount = 0;
            _sortedNameCount = 0;
            _scratchUsed = 0;
            _textLength = 0;
            _nonEmptyContainers = 0;
        }

        /// <summary>
        /// The length of the canonical text: the tokens' own text, plus one comma between neighbours, which
        /// is every value but the first in each non-empty container, i.e. all values but the root, less one
        /// per non-empty container.
        /// </summary>
        public readonly int OutputLength => _textLength + (_count - _sortedNameCount - 1 - _nonEmptyContainers);

        public readonly void Dispose()
        {
            _workspace.Tokens = _tokens;
            _workspace.OpenNames = _openNames;
            _workspace.SortedNames = _sortedNames;
            _workspace.Scratch = _scratch;
            Workspace.Release(_workspace);
        }

        public void Read(JsonReaderOptions options)
        {
            // The reader does not check UTF-8; one vectorized pass over the whole input usually settles it,
            // and only when it fails are strings checked one by one to find where.
            var checkStrings = !Utf8.IsValid(_input);

            // Valid documents are read by the fast reader; anything it does not take (errors included) is
            // read again from scratch by Utf8JsonReader, which alone decides what is refused and how.
            if (!checkStrings && TryReadFast())
            {
                return;
            }

            _count = 0;
            _openNameCount = 0;
            _sortedNameCount = 0;
            _scratchUsed = 0;
            _textLength = 0;
            _nonEmptyContainers = 0;
            ReadWithReader(options, checkStrings);
        }

        private void ReadWithReader(JsonReaderOptions options, bool checkStrings)
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

                            open[depth] = Add(reader.TokenType == JsonTokenType.StartObject ? TokenKind.Object : TokenKind.Array, (int)reader.TokenStartIndex, 2);
                            namesBase[depth] = _openNameCount;
                            depth++;
                            break;
                        case JsonTokenType.EndObject:
                            depth--;
                            CloseObject(open[depth], namesBase[depth]);
                            break;
                        case JsonTokenType.EndArray:
                            depth--;
                            CloseContainer(open[depth]);
                            break;
                        case JsonTokenType.PropertyName:
                            PushName(AddString(ref reader, TokenKind.Name, checkStrings));
                            _textLength++; // the colon
                            break;
                        case JsonTokenType.String:
                            AddString(ref reader, TokenKind.String, checkStrings);
                            break;
                        case JsonTokenType.Number:
                            AddNumber(ref reader);
                            break;
                        case JsonTokenType.True:
                            Add(TokenKind.True, (int)reader.TokenStartIndex, 4);
                            break;
                        case JsonTokenType.False:
                            Add(TokenKind.False, (int)reader.TokenStartIndex, 5);
                            break;
                        case JsonTokenType.Null:
                            Add(TokenKind.Null, (int)reader.TokenStartIndex, 4);
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

        private int Add(TokenKind kind, int start, int textLength)
        {
            if (_count == _tokens.Length)
            {
                Array.Resize(ref _tokens, _tokens.Length * 2);
            }

            _textLength += textLength;
            _tokens[_count] = new Token { Kind = kind, Start = start };
            return _count++;
        }

        private void CloseContainer(int index)
        {
            _tokens[index].Next = _count;
            if (_count > index + 1)
            {
                _nonEmptyContainers++;
            }
        }

        private int AddString(ref Utf8JsonReader reader, TokenKind kind, bool checkUtf8)
        {
            var raw = reader.ValueSpan;
            var start = (int)reader.TokenStartIndex + 1;

            // Escapes are ASCII, so checking the raw text also covers the unescaped form.
            if (checkUtf8 && !Utf8.IsValid(raw))
            {
                Throw(ErrorCatalog.JsonInvalid, start + IndexOfInvalidUtf8(raw), "the string is not valid UTF-8");
            }

            var index = AddText(kind, start, raw, reader.ValueIsEscaped, out var loneSurrogateAt);
            if (index < 0)
            {
                Throw(ErrorCatalog.JsonLoneSurrogate, start + loneSurrogateAt, "the escape is a UTF-16 surrogate that does not form a pair");
            }

            return index;
        }

        /// <summary>
        /// Adds a string or name from its raw text (between the quotes, already checked); returns -1, with
        /// the offset in <paramref name="raw"/>, when an escape is a lone surrogate.
        /// </summary>
        private int AddText(TokenKind kind, int start, ReadOnlySpan<byte> raw, bool escaped, out int loneSurrogateAt)
        {
            if (!escaped)
            {
                // Raw text without escapes is already canonical: both readers refuse control characters in
                // it, and a quotation mark or reverse solidus could only appear escaped.
                loneSurrogateAt = -1;
                var plain = Add(kind, start, raw.Length + 2);
                _tokens[plain].Length = raw.Length;
                return plain;
            }

            // Unescaped text is never longer than its raw form.
            var destination = ReserveScratch(raw.Length);
            var length = Unescape(raw, destination, out loneSurrogateAt);
            if (length < 0)
            {
                return -1;
            }

            var index = Add(kind, start, EscapedLength(destination[..length]) + 2);
            ref var token = ref _tokens[index];
            token.Length = raw.Length;
            token.Escaped = true;
            token.Offset = _scratchUsed;
            token.Next = length;
            _scratchUsed += length;
            return index;
        }

        private void AddNumber(ref Utf8JsonReader reader)
        {
            var raw = reader.ValueSpan;
            var start = (int)reader.TokenStartIndex;

            // Most numbers (integers up to 2^53 other than -0, short decimals) are written as they came.
            if (IsCanonicalNumberText(raw)
                || (raw.Length <= 17
                    && raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0
                    && reader.TryGetInt64(out var integer)
                    && integer is >= -MaxExactInteger and <= MaxExactInteger
                    && (integer != 0 || raw[0] != (byte)'-')))
            {
                var verbatim = Add(TokenKind.Verbatim, start, raw.Length);
                _tokens[verbatim].Length = raw.Length;
                return;
            }

            // Correctly rounded (9007199254740993 reads as 9007199254740992, as in JavaScript); too large a
            // magnitude reads as infinity, which has no canonical form.
            if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                Throw(ErrorCatalog.JsonNumberOutOfRange, start, "the number is too large for an IEEE 754 double");
            }

            AddFormatted(start, value);
        }

        private void AddFormatted(int start, double value)
        {
            var length = FormatNumber(value, ReserveScratch(MaxNumberLength));
            var index = Add(TokenKind.Formatted, start, length);
            _tokens[index].Offset = _scratchUsed;
            _tokens[index].Next = length;
            _scratchUsed += length;
        }

        /// <summary>Adds a member name to the names of the open objects, with the prefix it will be sorted by.</summary>
        private void PushName(int index)
        {
            if (_openNameCount == _openNames.Length)
            {
                Array.Resize(ref _openNames, _openNames.Length * 2);
            }

            // A plain name lies in the input, usually with 8 bytes to read from its start (its closing quote and
            // what follows fill the rest).
            ref readonly var token = ref _tokens[index];
            var prefix = !token.Escaped && _input.Length - token.Start >= 8
                ? SortPrefixOfPadded(_input.Slice(token.Start, 8), token.Length)
                : SortPrefix(Text(index));
            _openNames[_openNameCount++] = new Member { Prefix = prefix, Token = index };
        }

        /// <summary>Room for <paramref name="size"/> more bytes at the end of the scratch buffer; offsets stay valid.</summary>
        private Span<byte> ReserveScratch(int size)
        {
            if (_scratch.Length - _scratchUsed < size)
            {
                Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _scratchUsed + size));
            }

            return _scratch.AsSpan(_scratchUsed, size);
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
            var (line, column) = JsonErrorText.Position(exception);
            return At(ErrorCatalog.JsonInvalid, line, column, JsonErrorText.Plain(exception), null, exception);
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
