using Reach.Storage.Postgres;
using Reach.Storage.Sqlite;

namespace Reach.Storage.Tests;

/// <summary>The storage projects implement the abstraction in <c>Reach.Storage</c> and know no host.</summary>
public sealed class StorageDependencyTests
{
    public static TheoryData<string> Stores => [typeof(SqliteRunnerStore).Assembly.GetName().Name!, typeof(PostgresRunnerStore).Assembly.GetName().Name!, typeof(IRunnerStore).Assembly.GetName().Name!];

    [Theory]
    [MemberData(nameof(Stores))]
    public void A_storage_assembly_references_no_host(string name)
    {
        var assembly = System.Reflection.Assembly.Load(name);

        var references = assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Reach.Runner", references);
        Assert.DoesNotContain("reach", references);
        Assert.DoesNotContain(references, r => r is not null && r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
