namespace Reach.Runner.Tests;

/// <summary>
/// The OpenAPI document the runner serves is the one checked in at <c>openapi/reach.openapi.json</c> (the SDKs are
/// generated from it). After changing an endpoint, regenerate it with
/// <c>REACH_UPDATE_DOCS=1 dotnet test tests/Reach.Runner.Tests --filter "FullyQualifiedName~OpenApiDocument"</c>.
/// </summary>
public class OpenApiDocumentTests
{
    private static string CheckedIn => Path.Combine(Repository.Root, "openapi", "reach.openapi.json");

    [Fact]
    public async Task The_served_document_is_the_checked_in_one()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var served = await runner.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var normalized = served.ReplaceLineEndings("\n").TrimEnd() + "\n";
        if (Environment.GetEnvironmentVariable("REACH_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CheckedIn)!);
            await File.WriteAllTextAsync(CheckedIn, normalized, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(CheckedIn), $"{CheckedIn} is missing; regenerate it (see this class's summary).");
        var expected = await File.ReadAllTextAsync(CheckedIn, TestContext.Current.CancellationToken);
        Assert.True(expected == normalized, "openapi/reach.openapi.json differs from the document the runner serves; regenerate it with REACH_UPDATE_DOCS=1 (see OpenApiDocumentTests).");
    }

    [Fact]
    public async Task Every_v1_operation_is_named_summarized_and_documents_its_problems()
    {
        await using var runner = await RunnerFixture.StartAsync();
        using var document = JsonDocument.Parse(await runner.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.StartsWith("3.1", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var operations = 0;
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/v1/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                operations++;
                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(operation.Value.TryGetProperty("operationId", out _), where + " has no operationId");
                Assert.True(operation.Value.TryGetProperty("summary", out _), where + " has no summary");
                var problems = operation.Value.GetProperty("responses").EnumerateObject()
                    .Where(r => r.Name.StartsWith('4') && r.Value.TryGetProperty("content", out var c) && c.TryGetProperty("application/problem+json", out var m) && m.TryGetProperty("example", out _));
                Assert.True(problems.Any(), where + " documents no problem response with an example");
            }
        }

        Assert.True(operations >= 20, $"only {operations} /v1 operations are described");
    }
}
