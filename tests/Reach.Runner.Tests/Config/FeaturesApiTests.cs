using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Reach.Configuration;

namespace Reach.Runner.Tests.Config;

public class FeaturesApiTests
{
    [Fact]
    public async Task Get_features_returns_the_effective_flags_and_their_sources()
    {
        var home = Directory.CreateTempSubdirectory("reach-features-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(home, "config.json"), """{"features":{"enable_unlimited_spawns":true}}""");
            var config = ConfigLoader.Load(home, new Dictionary<string, string>(StringComparer.Ordinal) { ["REACH_FEATURE_FLAGS"] = "enable_sso" });
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            await using var app = builder.Build();
            app.MapFeaturesApi(config);
            await app.StartAsync(TestContext.Current.CancellationToken);
            using var client = new HttpClient { BaseAddress = new Uri(RunnerHost.Addresses(app).Single()) };

            using var response = await client.GetAsync(new Uri("/v1/features", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var features = body.RootElement.GetProperty("features");
            Assert.True(features.GetProperty("enable_sso").GetProperty("enabled").GetBoolean());
            Assert.Equal("environment", features.GetProperty("enable_sso").GetProperty("source").GetString());
            Assert.Equal("file", features.GetProperty("enable_unlimited_spawns").GetProperty("source").GetString());
            Assert.False(features.GetProperty("enable_compliance_logs").GetProperty("enabled").GetBoolean());
            Assert.Contains("reserved", features.GetProperty("enable_node_federation").GetProperty("note").GetString(), StringComparison.Ordinal);
            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
