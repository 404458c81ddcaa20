namespace Reach.Runner;

/// <summary>
/// A request member that is a name or an object (a pack NAME[@VERSION] or an inline manifest; a policy name or a bundle):
/// bound as a <see cref="JsonElement"/>, described in the OpenAPI document as <c>oneOf</c> string and object.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class StringOrObjectAttribute(string description) : Attribute
{
    /// <summary>What the member names, for the OpenAPI document.</summary>
    public string Description { get; } = description;
}
