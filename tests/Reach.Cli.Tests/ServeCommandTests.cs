using System.Diagnostics;
using System.Text;

namespace Reach.Cli.Tests;

public class ServeCommandTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8787")]
    [InlineData("http://10.1.2.3:8787")]
    public void Serve_refuses_a_non_loopback_address(string urls)
    {
        using var reach = new ReachProcess();
        var result = reach.Run("serve", "--urls", urls);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-4006", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://reach:secret@127.0.0.1:1/reach")]
    [InlineData("Host=127.0.0.1;Port=1;Username=reach;Password=secret;Database=reach")]
    public void Serve_with_an_unreachable_postgres_database_fails_with_4008_and_no_sqlite_file(string database)
    {
        using var reach = new ReachProcess();
        var result = reach.Run("serve", "--urls", "http://127.0.0.1:0", "--database", database);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("REACH-4008", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(reach.Home, "reach.db")));
    }

    [Fact]
    public async Task Serve_takes_the_postgres_database_from_REACH_DATABASE_URL()
    {
        using var reach = new ReachProcess();
        var start = reach.StartInfo("serve", "--urls", "http://127.0.0.1:0");
        start.Environment["REACH_DATABASE_URL"] = "postgres://reach:secret@127.0.0.1:1/reach";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, process.ExitCode);
        Assert.Contains("REACH-4008", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(reach.Home, "reach.db")));
    }

    [Fact]
    public async Task Serve_starts_the_runner_on_loopback_and_answers()
    {
        using var reach = new ReachProcess();
        using var process = Process.Start(reach.StartInfo("serve", "--urls", "http://127.0.0.1:0", "--json"))!;
        try
        {
            // The --json document is printed once the server listens; read it whole (it is indented).
            var text = new StringBuilder();
            while (await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken) is { } line)
            {
                text.AppendLine(line);
                if (line == "}")
                {
                    break;
                }
            }

            var address = JsonDocument.Parse(text.ToString()).RootElement.GetProperty("listening").GetString()!;
            Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);

            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var health = await client.GetStringAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Contains("ok", health, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Serve_opens_packs_and_policies_by_name_from_the_directories_the_operator_configures(bool byFlag)
    {
        using var reach = new ReachProcess();
        var packs = Path.GetDirectoryName(ReachProcess.Example("hello"))!;
        var policies = Path.Combine(Repository.Root, "policies");
        string[] args = ["serve", "--urls", "http://127.0.0.1:0", "--json"];
        if (byFlag)
        {
            args = [.. args, "--pack-dir", packs, "--policy-dir", policies];
        }
        else
        {
            Directory.CreateDirectory(reach.Home);
            File.WriteAllText(Path.Combine(reach.Home, "config.json"), JsonSerializer.Serialize(new Dictionary<string, string[]> { ["pack_directories"] = [packs], ["policy_directories"] = [policies] }));
        }

        using var process = Process.Start(reach.StartInfo(args))!;
        try
        {
            var text = new StringBuilder();
            while (await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken) is { } line)
            {
                text.AppendLine(line);
                if (line == "}")
                {
                    break;
                }
            }

            using var client = new HttpClient { BaseAddress = new Uri(JsonDocument.Parse(text.ToString()).RootElement.GetProperty("listening").GetString()!) };
            using var named = await client.PostAsync(new Uri("/v1/sessions", UriKind.Relative), new StringContent("""{"pack":"policy-tour","policy":"strict-safe-mode"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            using var byPath = await client.PostAsync(new Uri("/v1/sessions", UriKind.Relative), new StringContent(JsonSerializer.Serialize(new { pack = ReachProcess.Example("hello") }), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            var opened = await named.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var refused = await byPath.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.True(named.StatusCode == System.Net.HttpStatusCode.Created, opened);
            Assert.Equal("strict-safe-mode", JsonDocument.Parse(opened).RootElement.GetProperty("policy").GetString());
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, byPath.StatusCode);
            Assert.Equal("REACH-4030", JsonDocument.Parse(refused).RootElement.GetProperty("code").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }
}
