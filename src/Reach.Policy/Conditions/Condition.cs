using Reach.Core.Gates;

namespace Reach.Policy.Conditions;

/// <summary>A compiled condition over the call context: a comparison, or all / any / not of conditions.</summary>
public abstract class Condition
{
    private protected Condition(int id, string pointer)
    {
        Id = id;
        Pointer = pointer;
    }

    /// <summary>Its number within the bundle (for coverage).</summary>
    public int Id { get; }

    /// <summary>Its JSON pointer in the bundle.</summary>
    public string Pointer { get; }

    /// <summary>The condition in words.</summary>
    public abstract string Text { get; }

    /// <summary>Evaluates the condition; with a <paramref name="trace"/> every part is evaluated and recorded.</summary>
    public abstract bool Evaluate(ToolCallRequest request, List<ConditionOutcome>? trace);

    /// <summary>Visits this condition and every condition inside it.</summary>
    public virtual void Visit(Action<Condition> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        visitor(this);
    }
}

/// <summary><c>all</c> (<see cref="IsAll"/>) or <c>any</c> of several conditions.</summary>
public sealed class JunctionCondition : Condition
{
    internal JunctionCondition(int id, string pointer, bool isAll, Condition[] parts)
        : base(id, pointer)
    {
        IsAll = isAll;
        Parts = parts;
    }

    /// <summary>True for <c>all</c>, false for <c>any</c>.</summary>
    public bool IsAll { get; }

    /// <summary>The parts.</summary>
    public IReadOnlyList<Condition> Parts { get; }

    /// <inheritdoc/>
    public override string Text => IsAll ? $"all of {Parts.Count}" : $"any of {Parts.Count}";

    /// <inheritdoc/>
    public override bool Evaluate(ToolCallRequest request, List<ConditionOutcome>? trace)
    {
        if (trace is null)
        {
            for (var i = 0; i < Parts.Count; i++)
            {
                if (Parts[i].Evaluate(request, null) != IsAll)
                {
                    return !IsAll;
                }
            }

            return IsAll;
        }

        var children = new List<ConditionOutcome>(Parts.Count);
        var result = IsAll;
        foreach (var part in Parts)
        {
            var held = part.Evaluate(request, children);
            result = IsAll ? result && held : result || held;
        }

        trace.Add(new ConditionOutcome(Id, Pointer, Text, result, null, children));
        return result;
    }

    /// <inheritdoc/>
    public override void Visit(Action<Condition> visitor)
    {
        base.Visit(visitor);
        foreach (var part in Parts)
        {
            part.Visit(visitor);
        }
    }
}

/// <summary><c>not</c>: holds when its part does not.</summary>
public sealed class NotCondition : Condition
{
    internal NotCondition(int id, string pointer, Condition part)
        : base(id, pointer)
    {
        Part = part;
    }

    /// <summary>The negated condition.</summary>
    public Condition Part { get; }

    /// <inheritdoc/>
    public override string Text => "not";

    /// <inheritdoc/>
    public override bool Evaluate(ToolCallRequest request, List<ConditionOutcome>? trace)
    {
        if (trace is null)
        {
            return !Part.Evaluate(request, null);
        }

        var children = new List<ConditionOutcome>(1);
        var result = !Part.Evaluate(request, children);
        trace.Add(new ConditionOutcome(Id, Pointer, Text, result, null, children));
        return result;
    }

    /// <inheritdoc/>
    public override void Visit(Action<Condition> visitor)
    {
        base.Visit(visitor);
        Part.Visit(visitor);
    }
}
