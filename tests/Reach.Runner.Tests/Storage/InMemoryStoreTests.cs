using Reach.Runner.Storage;

namespace Reach.Runner.Tests.Storage;

/// <summary>The conformance suite on the in-memory store the runner uses when started on its own.</summary>
public sealed class InMemoryStoreTests : StoreConformanceTests
{
    private protected override Task<IRunnerStore> OpenFreshAsync() => Task.FromResult<IRunnerStore>(new InMemoryRunnerStore());

    // Memory has no database to reopen and no migrations: the same store stands for itself.
    private protected override Task<IRunnerStore> ReopenAsync(IRunnerStore store) => Task.FromResult(store);
}
