namespace Reach.Storage.Tests;

/// <summary>The conformance suite on the in-memory store (the tests' and benchmarks' store: nothing survives a restart).</summary>
public sealed class InMemoryStoreTests : StoreConformanceTests
{
    private protected override Task<IRunnerStore> OpenFreshAsync() => Task.FromResult<IRunnerStore>(new InMemoryRunnerStore());

    // Memory has no database to reopen and no migrations: the same store stands for itself.
    private protected override Task<IRunnerStore> ReopenAsync(IRunnerStore store) => Task.FromResult(store);
}
