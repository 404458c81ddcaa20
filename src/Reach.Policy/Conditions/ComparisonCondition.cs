using System.Text.RegularExpressions;
using Reach.Core.Gates;
using Reach.Policy.Model;

namespace Reach.Policy.Conditions;

/// <summary>
/// A field compared with a value. An absent field makes every comparison false except <c>exists</c>; a list field
/// (the tool's permissions, a JSON array) holds when any item does (for <c>ne</c> and <c>not_in</c>: when none does).
/// </summary>
public sealed class ComparisonCondition : Condition
{
    private readonly Literal _literal;
    private readonly Literal[] _set;
    private readonly GlobPattern? _glob;
    private readonly Regex? _regex;
    private readonly bool _exists;

    internal ComparisonCondition(int id, string pointer, FieldPath field, ComparisonOperator op, JsonElement? value, Regex? regex)
        : base(id, pointer)
    {
        Field = field;
        Operator = op;
        Value = value?.Clone();
        _literal = Value is { } v ? new Literal(v) : default;
        _set = [];
        if (op is ComparisonOperator.In or ComparisonOperator.NotIn && Value is { ValueKind: JsonValueKind.Array } set)
        {
            _set = new Literal[set.GetArrayLength()];
            var i = 0;
            foreach (var item in set.EnumerateArray())
            {
                _set[i++] = new Literal(item);
            }
        }

        _glob = op == ComparisonOperator.Glob ? new GlobPattern(Value!.Value.GetString()!) : null;
        _regex = regex;
        _exists = op != ComparisonOperator.Exists || Value is not { ValueKind: JsonValueKind.False };
        Text = Value is { } shown ? $"{field.Text} {ComparisonOperators.Name(op)} {shown.GetRawText()}" : $"{field.Text} {ComparisonOperators.Name(op)}";
    }

    /// <summary>The field.</summary>
    public FieldPath Field { get; }

    /// <summary>The operator.</summary>
    public ComparisonOperator Operator { get; }

    /// <summary>The value compared with, if any.</summary>
    public JsonElement? Value { get; }

    /// <inheritdoc/>
    public override string Text { get; }

    /// <inheritdoc/>
    public override bool Evaluate(ToolCallRequest request, List<ConditionOutcome>? trace)
    {
        var value = Field.Resolve(request);
        bool result;
        if (Operator == ComparisonOperator.Exists)
        {
            result = value.Kind is not (FieldValueKind.Missing or FieldValueKind.Null) == _exists;
        }
        else if (value.Kind == FieldValueKind.Missing)
        {
            result = false;
        }
        else
        {
            result = Operator switch
            {
                ComparisonOperator.Ne => !Holds(ComparisonOperator.Eq, value),
                ComparisonOperator.NotIn => !Holds(ComparisonOperator.In, value),
                _ => Holds(Operator, value),
            };
        }

        trace?.Add(new ConditionOutcome(Id, Pointer, Text, result, value.Describe(), []));
        return result;
    }

    private bool Holds(ComparisonOperator op, FieldValue value)
    {
        if (!value.IsList || (op == ComparisonOperator.Eq && _literal.IsStructured))
        {
            return Test(op, value);
        }

        var count = value.Count;
        for (var i = 0; i < count; i++)
        {
            if (Test(op, value.Item(i)))
            {
                return true;
            }
        }

        return false;
    }

    private bool Test(ComparisonOperator op, FieldValue value)
    {
        switch (op)
        {
            case ComparisonOperator.Eq:
                return _literal.Equals(value);
            case ComparisonOperator.In:
                for (var i = 0; i < _set.Length; i++)
                {
                    if (_set[i].Equals(value))
                    {
                        return true;
                    }
                }

                return false;
            case ComparisonOperator.Glob:
                return value.Matches(_glob, null);
            case ComparisonOperator.Regex:
                return value.Matches(null, _regex);
            default:
                return value.Kind == FieldValueKind.Number && op switch
                {
                    ComparisonOperator.Lt => value.Number < _literal.Number,
                    ComparisonOperator.Le => value.Number <= _literal.Number,
                    ComparisonOperator.Gt => value.Number > _literal.Number,
                    _ => value.Number >= _literal.Number,
                };
        }
    }

    private readonly struct Literal
    {
        private readonly JsonValueKind _kind;
        private readonly string? _text;
        private readonly byte[]? _utf8;
        private readonly JsonElement _element;

        public Literal(JsonElement element)
        {
            _kind = element.ValueKind;
            _element = element;
            _text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            _utf8 = _text is null ? null : Encoding.UTF8.GetBytes(_text);
            Number = element.ValueKind switch
            {
                JsonValueKind.Number => element.GetDouble(),
                JsonValueKind.True => 1,
                _ => 0,
            };
        }

        public double Number { get; }

        public bool IsStructured => _kind is JsonValueKind.Array or JsonValueKind.Object;

        public bool Equals(FieldValue value) => _kind switch
        {
            JsonValueKind.String => value.TextEquals(_text!, _utf8!),
            JsonValueKind.Number => value.Kind == FieldValueKind.Number && value.Number == Number,
            JsonValueKind.True or JsonValueKind.False => value.Kind == FieldValueKind.Bool && value.Number == Number,
            JsonValueKind.Null => value.Kind == FieldValueKind.Null,
            JsonValueKind.Array or JsonValueKind.Object => value.Kind == FieldValueKind.Json && JsonElement.DeepEquals(value.Json, _element),
            _ => false,
        };
    }
}
