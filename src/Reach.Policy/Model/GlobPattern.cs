using System.Text.RegularExpressions;

namespace Reach.Policy.Model;

/// <summary>
/// A name pattern: <c>*</c> any run of characters but <c>/</c>, <c>**</c> any run including <c>/</c>, <c>?</c> one
/// character but <c>/</c>; everything else literal. Literal, prefix and suffix patterns take a fast path; the rest
/// compile to a non-backtracking regular expression, so no pattern can hang the gate.
/// </summary>
public sealed class GlobPattern
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);
    private readonly Regex? _regex;
    private readonly string? _prefix;
    private readonly string? _suffix;
    private readonly bool _crossesSlash;
    private readonly byte[]? _utf8;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    public GlobPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Text = pattern;
        var wildcard = pattern.AsSpan().IndexOfAny('*', '?');
        if (wildcard < 0)
        {
            IsLiteral = true;
            _utf8 = Encoding.UTF8.GetBytes(pattern);
            return;
        }

        // The common shapes (fs.*, notes/**, **.txt, *.json) take a span comparison instead of a regular expression.
        var stars = pattern.EndsWith("**", StringComparison.Ordinal) ? 2 : 1;
        if (wildcard == pattern.Length - stars && pattern[^1] == '*')
        {
            _prefix = pattern[..^stars];
            _crossesSlash = stars == 2;
            _utf8 = Encoding.UTF8.GetBytes(_prefix);
            return;
        }

        var leading = pattern.StartsWith("**", StringComparison.Ordinal) ? 2 : 1;
        if (pattern[0] == '*' && pattern.AsSpan(leading).IndexOfAny('*', '?') < 0)
        {
            _suffix = pattern[leading..];
            _crossesSlash = leading == 2;
            _utf8 = Encoding.UTF8.GetBytes(_suffix);
            return;
        }

        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                regex.Append(".*");
                i++;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        regex.Append('$');
        _regex = new Regex(regex.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Singleline, Timeout);
    }

    /// <summary>
    /// Matches UTF-8 text without decoding it, for the literal, prefix and suffix shapes; null when the pattern needs
    /// its regular expression (then decode and call <see cref="IsMatch"/>).
    /// </summary>
    public bool? IsMatchUtf8(ReadOnlySpan<byte> value)
    {
        if (_utf8 is null)
        {
            return null;
        }

        if (IsLiteral)
        {
            return value.SequenceEqual(_utf8);
        }

        if (_prefix is not null)
        {
            return value.StartsWith(_utf8) && (_crossesSlash || !value[_utf8.Length..].Contains((byte)'/'));
        }

        return value.EndsWith(_utf8) && (_crossesSlash || !value[..^_utf8.Length].Contains((byte)'/'));
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>True when the pattern has no wildcard.</summary>
    public bool IsLiteral { get; }

    /// <summary>True when <paramref name="value"/> matches the whole pattern.</summary>
    public bool IsMatch(ReadOnlySpan<char> value)
    {
        if (IsLiteral)
        {
            return value.SequenceEqual(Text);
        }

        if (_prefix is not null)
        {
            return value.StartsWith(_prefix, StringComparison.Ordinal) && (_crossesSlash || !value[_prefix.Length..].Contains('/'));
        }

        if (_suffix is not null)
        {
            return value.EndsWith(_suffix, StringComparison.Ordinal) && (_crossesSlash || !value[..^_suffix.Length].Contains('/'));
        }

        return _regex!.IsMatch(value);
    }

    /// <summary>True when any of <paramref name="patterns"/> matches <paramref name="value"/>.</summary>
    public static bool AnyMatch(GlobPattern[] patterns, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        for (var i = 0; i < patterns.Length; i++)
        {
            if (patterns[i].IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
