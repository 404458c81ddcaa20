namespace Reach.Core.Json;

/// <summary>A place in a text file: 1-based line and column (the column counts UTF-16 code units, as editors do, not bytes).</summary>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
public readonly record struct SourcePosition(int Line, int Column) : IComparable<SourcePosition>
{
    /// <inheritdoc />
    public int CompareTo(SourcePosition other) => Line != other.Line ? Line.CompareTo(other.Line) : Column.CompareTo(other.Column);

    /// <summary>True when <paramref name="left"/> comes before <paramref name="right"/>.</summary>
    public static bool operator <(SourcePosition left, SourcePosition right) => left.CompareTo(right) < 0;

    /// <summary>True when <paramref name="left"/> comes after <paramref name="right"/>.</summary>
    public static bool operator >(SourcePosition left, SourcePosition right) => left.CompareTo(right) > 0;

    /// <summary>True when <paramref name="left"/> does not come after <paramref name="right"/>.</summary>
    public static bool operator <=(SourcePosition left, SourcePosition right) => left.CompareTo(right) <= 0;

    /// <summary>True when <paramref name="left"/> does not come before <paramref name="right"/>.</summary>
    public static bool operator >=(SourcePosition left, SourcePosition right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"line {Line}, column {Column}");
}
