namespace Reach.Policy.Conditions;

/// <summary>The operators of a comparison, as written in a bundle's <c>op</c>.</summary>
public enum ComparisonOperator
{
    /// <summary><c>eq</c>: equal (a list: any item equal).</summary>
    Eq,

    /// <summary><c>ne</c>: present and not equal (a list: no item equal).</summary>
    Ne,

    /// <summary><c>in</c>: one of the given values (a list: any item).</summary>
    In,

    /// <summary><c>not_in</c>: present and none of the given values (a list: no item).</summary>
    NotIn,

    /// <summary><c>glob</c>: a string matching the pattern (a list: any item).</summary>
    Glob,

    /// <summary><c>regex</c>: a string the regular expression matches somewhere (anchor it with ^…$).</summary>
    Regex,

    /// <summary><c>lt</c>: a number less than the value.</summary>
    Lt,

    /// <summary><c>le</c>: a number less than or equal to the value.</summary>
    Le,

    /// <summary><c>gt</c>: a number greater than the value.</summary>
    Gt,

    /// <summary><c>ge</c>: a number greater than or equal to the value.</summary>
    Ge,

    /// <summary><c>exists</c>: present and not null (with <c>"value": false</c>: absent or null).</summary>
    Exists,
}

/// <summary>The names of the operators.</summary>
public static class ComparisonOperators
{
    /// <summary>Every operator's name, as a bundle writes it.</summary>
    public static IReadOnlyList<string> Names { get; } = ["eq", "ne", "in", "not_in", "glob", "regex", "lt", "le", "gt", "ge", "exists"];

    /// <summary>Parses an operator's name.</summary>
    public static ComparisonOperator? Parse(string name) => name switch
    {
        "eq" => ComparisonOperator.Eq,
        "ne" => ComparisonOperator.Ne,
        "in" => ComparisonOperator.In,
        "not_in" => ComparisonOperator.NotIn,
        "glob" => ComparisonOperator.Glob,
        "regex" => ComparisonOperator.Regex,
        "lt" => ComparisonOperator.Lt,
        "le" => ComparisonOperator.Le,
        "gt" => ComparisonOperator.Gt,
        "ge" => ComparisonOperator.Ge,
        "exists" => ComparisonOperator.Exists,
        _ => null,
    };

    /// <summary>The name of <paramref name="op"/>.</summary>
    public static string Name(ComparisonOperator op) => Names[(int)op];
}
