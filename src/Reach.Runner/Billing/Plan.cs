namespace Reach.Runner.Billing;

/// <summary>The plan names of the frozen enterprise billing, kept so old configuration and clients still parse.</summary>
[Obsolete("Enterprise billing is frozen. Use OSS defaults.")]
internal enum Plan
{
    Free,
    Pro,
    Enterprise,
}
