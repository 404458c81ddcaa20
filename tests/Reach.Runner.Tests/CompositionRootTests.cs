namespace Reach.Runner.Tests;

/// <summary>
/// One composition root: the runner is a library that <c>reach serve</c> builds with the store it selected (SQLite, or
/// PostgreSQL with --database / REACH_DATABASE_URL). A second entry point used to start it on an in-memory store,
/// silently losing every session at its restart.
/// </summary>
public sealed class CompositionRootTests
{
    [Fact]
    public void The_runner_has_no_entry_point_of_its_own()
    {
        Assert.Null(typeof(RunnerHost).Assembly.EntryPoint);
    }

    [Fact]
    public void A_runner_cannot_be_built_without_a_store_chosen_by_its_host()
    {
        var store = typeof(RunnerOptions).GetProperty(nameof(RunnerOptions.Store))!;

        Assert.False(new System.Reflection.NullabilityInfoContext().Create(store).WriteState == System.Reflection.NullabilityState.Nullable);
        Assert.Contains(store.CustomAttributes, a => a.AttributeType == typeof(System.Runtime.CompilerServices.RequiredMemberAttribute));
    }
}
