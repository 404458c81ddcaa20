namespace Reach.Policy.Conditions;

/// <summary>How one condition evaluated for one call, for explanations and coverage.</summary>
/// <param name="Id">The condition's number within the bundle.</param>
/// <param name="Pointer">Its JSON pointer in the bundle.</param>
/// <param name="Text">The condition in words, e.g. <c>args.path glob "notes/**"</c>.</param>
/// <param name="Result">Whether it held.</param>
/// <param name="Actual">The value the field had (comparisons only).</param>
/// <param name="Children">The outcomes of an all / any / not's parts.</param>
public sealed record ConditionOutcome(int Id, string Pointer, string Text, bool Result, string? Actual, IReadOnlyList<ConditionOutcome> Children);
