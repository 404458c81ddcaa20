using System.Diagnostics;
using System.Text;

namespace Reach.Cli.Tests;

/// <summary><c>reach token create|list|revoke</c> against REACH_HOME's database, and the bind rule of <c>reach serve</c>.</summary>
public sealed class TokenCliTests
{
    [Fact]
    public void Create_prints_a_reach_token_once_and_list_shows_it_without_the_secret()
    {
        using var reach = new ReachProcess();

        using var created = reach.Json("token", "create", "--tenant", "acme", "--name", "ci");
        using var listed = reach.Json("token", "list");

        var token = created.RootElement.GetProperty("token").GetString()!;
        Assert.True(created.RootElement.GetProperty("ok").GetBoolean());
        Assert.Matches("^reach_[0-9a-f]{64}$", token);
        Assert.Equal("acme", created.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("ci", created.RootElement.GetProperty("name").GetString());
        var id = created.RootElement.GetProperty("id").GetString()!;
        Assert.StartsWith("tok_", id, StringComparison.Ordinal);

        var entry = Assert.Single(listed.RootElement.GetProperty("tokens").EnumerateArray());
        Assert.Equal(id, entry.GetProperty("id").GetString());
        Assert.Equal("acme", entry.GetProperty("tenant").GetString());
        Assert.Equal("ci", entry.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("revoked").ValueKind);
        Assert.False(entry.TryGetProperty("token", out _));
        Assert.DoesNotContain(token[6..], listed.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(token[6..], reach.Run("token", "list").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_without_json_prints_only_the_secret_on_stdout()
    {
        using var reach = new ReachProcess();

        var created = reach.Run("token", "create", "--tenant", "acme");
        using var listed = reach.Json("token", "list");

        Assert.Equal(0, created.ExitCode);
        Assert.Matches("^reach_[0-9a-f]{64}\r?\n$", created.Stdout);
        Assert.Equal("acme", Assert.Single(listed.RootElement.GetProperty("tokens").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public void A_revoked_token_is_listed_as_revoked_and_revoking_it_again_is_4018()
    {
        using var reach = new ReachProcess();
        using var created = reach.Json("token", "create", "--tenant", "acme", "--name", "ci");
        var id = created.RootElement.GetProperty("id").GetString()!;

        var revoked = reach.Run("token", "revoke", id);
        using var listed = reach.Json("token", "list");
        var again = reach.Run("token", "revoke", id);

        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains(id, revoked.Stdout, StringComparison.Ordinal);
        var entry = Assert.Single(listed.RootElement.GetProperty("tokens").EnumerateArray());
        Assert.Equal(JsonValueKind.String, entry.GetProperty("revoked").ValueKind);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("REACH-4018", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Revoking_an_unknown_token_is_4018_in_json_too()
    {
        using var reach = new ReachProcess();

        var result = reach.Run("token", "revoke", "tok_000000000000", "--json");

        Assert.NotEqual(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("REACH-4018", document.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Create_for_a_malformed_tenant_is_refused_and_stores_nothing()
    {
        using var reach = new ReachProcess();

        var result = reach.Run("token", "create", "--tenant", "no spaces");
        using var listed = reach.Json("token", "list");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-4005", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(listed.RootElement.GetProperty("tokens").EnumerateArray());
    }

    [Fact]
    public void Serve_on_every_interface_without_require_token_is_4006()
    {
        using var reach = new ReachProcess();

        var result = reach.Run("serve", "--urls", "http://0.0.0.0:0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("REACH-4006", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(reach.Home, "reach.db")));
    }

    [Fact]
    public async Task Serve_with_require_token_binds_every_interface_and_takes_only_a_created_token()
    {
        using var reach = new ReachProcess();
        using var created = reach.Json("token", "create", "--tenant", "acme", "--name", "ci");
        var token = created.RootElement.GetProperty("token").GetString()!;
        using var process = Process.Start(reach.StartInfo("serve", "--urls", "http://0.0.0.0:0", "--require-token", "--json"))!;
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

            var listening = new Uri(JsonDocument.Parse(text.ToString()).RootElement.GetProperty("listening").GetString()!);
            Assert.Equal("0.0.0.0", listening.Host);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listening.Port}") };

            using var anonymous = await client.GetAsync(new Uri("/v1/sessions", UriKind.Relative), TestContext.Current.CancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions") { Headers = { { "Authorization", "Bearer " + token } } };
            using var authorized = await client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("REACH-4014", await anonymous.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.OK, authorized.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }
}
