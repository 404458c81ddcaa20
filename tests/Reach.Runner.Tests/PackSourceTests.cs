using Reach.Core.Errors;
using Reach.Packs.Keys;
using Reach.Packs.Registry;
using Reach.Packs.Signing;
using Reach.Configuration;

namespace Reach.Runner.Tests;

/// <summary>
/// A runner client names packs and policies; it never hands the runner a server path, never learns one, and one
/// tenant's installs and workspaces are out of every other tenant's reach (issue 20, items 2, 9 and 14).
/// </summary>
public class PackSourceTests
{
    private const string WorkspacePack = """
        {
          "name": "pwned",
          "version": "1.0.0",
          "tools": [{ "name": "proc.exec", "permissions": ["proc.exec"] }],
          "steps": []
        }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_session_or_run_cannot_be_opened_on_a_server_path_whether_or_not_it_exists()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var existing = RunnerFixture.Example("hello");
        var missing = Path.Combine(runner.Home, "nope");

        var answers = new List<Reply>();
        foreach (var path in new[] { existing, missing, "examples/packs/hello", "../hello", "./hello", "hello/..", "C:\\packs\\hello" })
        {
            answers.Add(await runner.SendPostAsync("/v1/sessions", new { pack = path }));
            answers.Add(await runner.SendPostAsync("/v1/runs", new { pack = path }));
        }

        Assert.All(answers, a => a.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4030"));

        // The same answer for a path that exists and one that does not, and for every other path.
        Assert.Single(answers.Select(a => a.Json.GetProperty("detail").GetString()).Distinct());
        Assert.Empty((await runner.GetAsync("/v1/sessions")).Json.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task A_pack_written_into_a_session_workspace_can_never_be_opened()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var opened = (await runner.SendPostAsync("/v1/sessions", new { pack = "files-and-processes" })).Expect(HttpStatusCode.Created);
        var id = opened.Json.GetProperty("session_id").GetString()!;
        var wrote = (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "pwned/pack.json", content = WorkspacePack } })).Expect(HttpStatusCode.OK);
        Assert.Equal("succeeded", wrote.Json.GetProperty("status").GetString());
        var workspace = runner.Workspace(id);
        Assert.True(File.Exists(Path.Combine(workspace, "pwned", "pack.json")));
        var packs = (await runner.GetAsync("/v1/packs")).Expect(HttpStatusCode.OK);
        var transcript = (await runner.GetAsync($"/v1/sessions/{id}/transcript")).Expect(HttpStatusCode.OK);

        var byPath = await runner.SendPostAsync("/v1/sessions", new { pack = Path.Combine(workspace, "pwned") });
        var byName = await runner.SendPostAsync("/v1/sessions", new { pack = "pwned" });
        var bySession = await runner.SendPostAsync("/v1/sessions", new { pack = id });

        byPath.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4030");
        byName.ExpectProblem(HttpStatusCode.BadRequest, "REACH-2001");
        bySession.ExpectProblem(HttpStatusCode.BadRequest, "REACH-2001");
        foreach (var answer in new[] { opened, wrote, packs, transcript, byName, bySession })
        {
            Assert.DoesNotContain(runner.Home, answer.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(Repository.Root, answer.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_link_in_a_pack_directory_to_a_workspace_does_not_make_it_a_pack_source()
    {
        using var temp = new TempDirectory();
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });
        var id = await runner.OpenAsync("files-and-processes");
        (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "pwned/pack.json", content = WorkspacePack } })).Expect(HttpStatusCode.OK);
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "pwned"), Path.Combine(runner.Workspace(id), "pwned"));

        var refused = await runner.SendPostAsync("/v1/sessions", new { pack = "pwned" });

        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-2001");
    }

    [Fact]
    public async Task A_configured_pack_that_does_not_load_is_reported_without_the_servers_paths()
    {
        using var temp = new TempDirectory();
        var name = temp.WritePack("""{ "name": "broken", "version": "1.0.0", "tools": [{ "name": "echo" }], "steps": [{ "id": "a", "tool": "fs.write", "input": {} }], "budgets": { "max_steps": -1 } }""");
        await using var runner = await RunnerFixture.StartAsync(configure: o => o with { PackDirectories = [temp.Path] });

        var refused = await runner.SendPostAsync("/v1/sessions", new { pack = name });

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.StartsWith("REACH-2", refused.Code, StringComparison.Ordinal);
        Assert.DoesNotContain(temp.Path, refused.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Home, refused.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pack_directory_inside_the_tenants_data_is_refused_when_the_runner_starts()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        try
        {
            var workspaces = new PackSources(home, [], []).Workspace("default", "x");
            var refused = Assert.Throws<ReachException>(() => RunnerHost.Build(new RunnerOptions { Home = home, Urls = "http://127.0.0.1:0", Store = new InMemoryRunnerStore(), PackDirectories = [Path.GetDirectoryName(workspaces)!] }));
            Assert.Equal("REACH-4031", refused.Code);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Evaluating_a_policy_never_reads_a_server_path()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var call = new { tool = "fs.write", args = new { path = "a.txt" } };

        var shadow = await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = "/etc/shadow", call });
        var passwd = await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = "/etc/passwd", call });
        var repoFile = await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = Path.Combine(RunnerFixture.Policies, "strict-safe-mode", "policy.json"), call });
        var named = (await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = "strict-safe-mode", call })).Expect(HttpStatusCode.OK).Json;
        var inline = (await runner.SendPostAsync("/v1/policies/evaluate", new { bundle = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RunnerFixture.Policies, "strict-safe-mode", "policy.json"), Ct)).RootElement, call })).Expect(HttpStatusCode.OK).Json;

        foreach (var refused in new[] { shadow, passwd, repoFile })
        {
            refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4030");
            Assert.Equal("bundle", refused.Json.GetProperty("field").GetString());
        }

        Assert.Equal(shadow.Json.GetProperty("title").GetString(), passwd.Json.GetProperty("title").GetString());
        Assert.DoesNotContain("root:", passwd.Text, StringComparison.Ordinal);
        Assert.False(named.GetProperty("allowed").GetBoolean());
        Assert.Equal(named.GetProperty("bundle").GetString(), inline.GetProperty("bundle").GetString());
        Assert.Equal(named.GetProperty("rules").GetRawText(), inline.GetProperty("rules").GetRawText());
    }

    [Fact]
    public async Task A_session_policy_is_a_name_or_inline_and_never_a_server_path()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var bundleFile = Path.Combine(RunnerFixture.Policies, "strict-safe-mode", "policy.json");
        var inline = JsonDocument.Parse(await File.ReadAllTextAsync(bundleFile, Ct)).RootElement;

        var byPath = await runner.SendPostAsync("/v1/sessions", new { pack = "policy-tour", policy = bundleFile });
        var byName = (await runner.SendPostAsync("/v1/sessions", new { pack = "policy-tour", policy = "strict-safe-mode" })).Expect(HttpStatusCode.Created).Json;
        var byContent = (await runner.SendPostAsync("/v1/sessions", new { pack = "policy-tour", policy = inline })).Expect(HttpStatusCode.Created).Json;
        var unknown = await runner.SendPostAsync("/v1/sessions", new { pack = "policy-tour", policy = "no-such-policy" });

        byPath.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4030");
        unknown.ExpectProblem(HttpStatusCode.BadRequest, "REACH-3101");
        Assert.Equal("strict-safe-mode", byName.GetProperty("policy").GetString());
        var digest = Reach.Policy.Compilation.PolicyCompiler.LoadFile(bundleFile).Digest.ToString();
        Assert.Equal("inline:" + digest, byContent.GetProperty("policy").GetString());

        // An inline bundle gates the session as the named one does.
        var write = (await runner.SendPostAsync($"/v1/sessions/{byContent.GetProperty("session_id").GetString()}/tool-calls", new { tool = "fs.write", input = new { path = "a.txt", content = "x" } })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("REACH-3002", write.GetProperty("decision").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Verifying_a_pack_takes_its_name_not_a_path()
    {
        await using var runner = await RunnerFixture.StartAsync();

        var byPath = await runner.SendPostAsync("/v1/packs/verify", new { pack = RunnerFixture.Example("hello") });
        var oldField = await runner.SendPostAsync("/v1/packs/verify", new { path = RunnerFixture.Example("hello") });

        byPath.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4030");
        oldField.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4001");
        Assert.DoesNotContain(Repository.Root, byPath.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Require_signed_in_config_or_the_environment_refuses_an_unsigned_pack()
    {
        foreach (var (file, environment) in new[] { ("{\"require_signed\":true}", new Dictionary<string, string>()), ("{}", new Dictionary<string, string> { ["REACH_REQUIRE_SIGNED"] = "1" }) })
        {
            var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
            await File.WriteAllTextAsync(Path.Combine(home, "config.json"), file, Ct);
            await using var runner = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, environment) });

            var session = await runner.SendPostAsync("/v1/sessions", new { pack = "hello" });
            var run = await runner.SendPostAsync("/v1/runs", new { pack = "hello" });

            session.ExpectProblem(HttpStatusCode.UnprocessableEntity, "REACH-5201");
            run.ExpectProblem(HttpStatusCode.UnprocessableEntity, "REACH-5201");
            Assert.Contains("require_signed", session.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_signed_pack_opens_when_signatures_are_required()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        using var temp = new TempDirectory();
        var pack = SignedHello(home, temp);
        await File.WriteAllTextAsync(Path.Combine(home, "config.json"), "{\"require_signed\":true}", Ct);
        await using var runner = await RunnerFixture.StartAsync(home, o => o with { Config = ConfigLoader.Load(home, new Dictionary<string, string>()), PackDirectories = [Path.GetDirectoryName(pack)!] });

        // The signed copy is found after the unsigned example of the same name: rename it so the name is its own.
        var opened = await runner.SendPostAsync("/v1/sessions", new { pack = "signed-hello" });

        opened.Expect(HttpStatusCode.Created);
        Assert.Equal("signed-hello", opened.Json.GetProperty("pack").GetProperty("name").GetString());
    }

    [Fact]
    public async Task One_tenants_install_changes_what_a_name_resolves_to_for_that_tenant_only()
    {
        var home = Directory.CreateTempSubdirectory("reach-runner-").FullName;
        using var temp = new TempDirectory();
        var pack = SignedHello(home, temp);
        var registry = Path.Combine(temp.Path, "registry");
        new RegistryConfig(Path.Combine(home, "registries.json")).Add("local", registry, "dir");
        PackPublisher.Publish(pack, new DirectoryRegistry("local", registry), new KeyStore(Path.Combine(home, "keys")).Trusted());
        await using var runner = await RunnerFixture.StartAsync(home);

        var installed = (await runner.SendPostAsync("/v1/packs/install", new { pack = "signed-hello@1.0.0" }, tenant: "acme")).Expect(HttpStatusCode.OK);
        var acmePacks = (await runner.GetAsync("/v1/packs", tenant: "acme")).Expect(HttpStatusCode.OK);
        var globexPacks = (await runner.GetAsync("/v1/packs", tenant: "globex")).Expect(HttpStatusCode.OK);
        var acme = await runner.SendPostAsync("/v1/sessions", new { pack = "signed-hello" }, tenant: "acme");
        var globex = await runner.SendPostAsync("/v1/sessions", new { pack = "signed-hello" }, tenant: "globex");

        Assert.Equal("signed-hello/1.0.0", installed.Json.GetProperty("directory").GetString());
        var listed = Assert.Single(acmePacks.Json.GetProperty("packs").EnumerateArray());
        Assert.Equal("signed-hello/1.0.0", listed.GetProperty("path").GetString());
        Assert.Equal("tenant", listed.GetProperty("scope").GetString());
        Assert.Empty(globexPacks.Json.GetProperty("packs").EnumerateArray());
        acme.Expect(HttpStatusCode.Created);
        globex.ExpectProblem(HttpStatusCode.BadRequest, "REACH-2001");
        foreach (var answer in new[] { installed, acmePacks, acme })
        {
            Assert.DoesNotContain(home, answer.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Each_tenants_workspaces_are_under_its_own_root_inside_REACH_HOME()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var roots = new List<string>();
        foreach (var tenant in new[] { "acme", "ACME", "..", "." })
        {
            var id = await runner.OpenAsync("files-and-processes", tenant);
            (await runner.SendPostAsync($"/v1/sessions/{id}/tool-calls", new { tool = "fs.write", input = new { path = "note.txt", content = tenant } }, tenant)).Expect(HttpStatusCode.OK);
            var file = Path.Combine(runner.Workspace(id, tenant), "note.txt");
            Assert.Equal(tenant, await File.ReadAllTextAsync(file, Ct));
            var root = Path.GetFullPath(Path.Combine(runner.Workspace(id, tenant), "..", ".."));
            Assert.StartsWith(Path.Combine(runner.Home, "tenants") + Path.DirectorySeparatorChar, root, StringComparison.Ordinal);
            roots.Add(root);
        }

        Assert.Equal(roots.Count, roots.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.False(Directory.Exists(Path.Combine(runner.Home, "workspaces")));
    }

    [Fact]
    public async Task An_inline_pack_opens_only_when_the_client_runs_every_tool_it_declares()
    {
        await using var runner = await RunnerFixture.StartAsync();
        var clientOnly = JsonDocument.Parse("""{"name":"mcp-fs","version":"1.0.0","tools":[{"name":"fs/read_file","permissions":[]}],"steps":[]}""").RootElement;
        var builtIn = JsonDocument.Parse(WorkspacePack).RootElement;

        var opened = (await runner.SendPostAsync("/v1/sessions", new { pack = clientOnly })).Expect(HttpStatusCode.Created).Json;
        var refused = await runner.SendPostAsync("/v1/sessions", new { pack = builtIn });

        Assert.Equal("mcp-fs", opened.GetProperty("pack").GetProperty("name").GetString());
        refused.ExpectProblem(HttpStatusCode.BadRequest, "REACH-4032");
        Assert.Equal("pack", refused.Json.GetProperty("field").GetString());
    }

    // A copy of examples/packs/hello named signed-hello, signed by a key REACH_HOME trusts; returns its directory.
    private static string SignedHello(string home, TempDirectory temp)
    {
        var keys = new KeyStore(Path.Combine(home, "keys"));
        keys.Generate("ada", null);
        var directory = Path.Combine(temp.Path, "packs", "signed-hello");
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(RunnerFixture.Example("hello")))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }

        var manifest = Path.Combine(directory, "pack.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"name\": \"hello\"", "\"name\": \"signed-hello\"", StringComparison.Ordinal));
        using var key = keys.Open("ada", _ => null);
        PackSigner.Sign(directory, key);
        return directory;
    }
}
