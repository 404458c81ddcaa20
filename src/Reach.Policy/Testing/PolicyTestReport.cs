namespace Reach.Policy.Testing;

/// <summary>The outcome of one suite: a bundle and its cases.</summary>
/// <param name="Directory">The suite's directory.</param>
/// <param name="BundleId">The bundle's id.</param>
/// <param name="BundleDigest">The bundle's digest.</param>
/// <param name="Results">Every case's result, in file and case order.</param>
/// <param name="Coverage">What the cases exercised.</param>
public sealed record PolicyTestReport(string Directory, string BundleId, string BundleDigest, IReadOnlyList<PolicyTestResult> Results, PolicyCoverage Coverage)
{
    /// <summary>Cases that passed.</summary>
    public int Passed => Results.Count(r => r.Passed);

    /// <summary>Cases that failed.</summary>
    public int Failed => Results.Count - Passed;
}
