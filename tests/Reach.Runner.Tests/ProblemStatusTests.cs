using Reach.Core.Errors;

namespace Reach.Runner.Tests;

/// <summary>The one table from error code to HTTP status, as clients and the OpenAPI document rely on it.</summary>
public class ProblemStatusTests
{
    [Theory]
    [InlineData("REACH-4002", 404)]
    [InlineData("REACH-4009", 404)]
    [InlineData("REACH-4021", 404)]
    [InlineData("REACH-4003", 409)]
    [InlineData("REACH-4014", 401)]
    [InlineData("REACH-4015", 403)]
    [InlineData("REACH-4012", 403)]
    [InlineData("REACH-4040", 403)]
    [InlineData("REACH-4016", 413)]
    [InlineData("REACH-4017", 429)]
    [InlineData("REACH-4022", 429)]
    [InlineData("REACH-4001", 400)]
    [InlineData("REACH-1002", 400)]
    [InlineData("REACH-4011", 422)]
    [InlineData("REACH-4020", 422)]
    [InlineData("REACH-4008", 500)]
    [InlineData("REACH-9070", 500)]
    public void A_code_answers_its_own_status_or_its_kinds(string code, int status)
    {
        var error = ErrorCatalog.All.Single(e => e.Code == code);

        Assert.Equal(status, Problems.StatusFor(error));
    }

    [Fact]
    public void The_table_names_only_catalogue_codes_and_covers_every_kind()
    {
        Assert.All(Problems.Statuses.Keys, code => Assert.Contains(ErrorCatalog.All, e => e.Code == code));
        Assert.All(Enum.GetValues<ErrorKind>(), kind => Assert.True(Problems.KindStatuses.ContainsKey(kind), $"{kind} has no status"));
    }
}
