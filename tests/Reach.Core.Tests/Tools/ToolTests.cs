using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Reach.Core.Errors;
using Reach.Core.Hashing;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Core.Tests.Tools;

/// <summary>The built-in tools: workspace confinement, processes without a shell or secrets, allow-listed HTTP, pure tools.</summary>
public sealed class ToolTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("reach-tools-").FullName;
    private readonly Workspace _workspace;
    private readonly string _outside;

    public ToolTests()
    {
        _workspace = new Workspace(Path.Combine(_temp, "workspace"));
        _outside = Directory.CreateDirectory(Path.Combine(_temp, "outside")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside the workspace");
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Files_are_written_and_read_back_inside_the_workspace()
    {
        var written = Execute(new FsWriteTool(), """{ "path": "a/b/note.txt", "content": "héllo\n" }""", Declared("fs.write", "fs:write"));
        var read = Execute(new FsReadTool(), """{ "path": "a/b/note.txt" }""", Declared("fs.read", "fs:read"));

        var bytes = Encoding.UTF8.GetBytes("héllo\n");
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_workspace.Root, "a", "b", "note.txt")));
        Assert.Equal(bytes.Length, written.GetProperty("bytes").GetInt32());
        Assert.Equal(Sha256Digest.Compute(bytes).ToString(), written.GetProperty("sha256").GetString());
        Assert.Equal("héllo\n", read.GetProperty("content").GetString());
        Assert.Equal(written.GetProperty("sha256").GetString(), read.GetProperty("sha256").GetString());
        Assert.False(File.Exists(Path.Combine(_workspace.Root, "a", "b", "note.txt.reach-tmp")));
        Assert.Equal(["note.txt"], Directory.GetFileSystemEntries(Path.Combine(_workspace.Root, "a", "b")).Select(Path.GetFileName));
    }

    [Fact]
    public void Reading_a_missing_file_reports_it()
    {
        var ex = Assert.Throws<ToolException>(() => Execute(new FsReadTool(), """{ "path": "missing.txt" }""", Declared("fs.read", "fs:read")));

        Assert.Equal(ErrorCatalog.WorkspaceFileNotFound, ex.Error);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside/secret.txt")]
    [InlineData("notes/../../outside/secret.txt")]
    [InlineData("..")]
    [InlineData("")]
    public void A_path_that_leaves_the_workspace_is_refused(string path)
    {
        var input = JsonSerializer.Serialize(new Dictionary<string, string> { ["path"] = path, ["content"] = "x" });

        var read = Assert.Throws<ToolException>(() => Execute(new FsReadTool(), input, Declared("fs.read", "fs:read")));
        var write = Assert.Throws<ToolException>(() => Execute(new FsWriteTool(), input, Declared("fs.write", "fs:write")));

        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, read.Error);
        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, write.Error);
        Assert.Equal("outside the workspace", File.ReadAllText(Path.Combine(_outside, "secret.txt")));
    }

    [Fact]
    public void A_symlink_to_a_file_outside_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_workspace.Root, "link.txt"), Path.Combine(_outside, "secret.txt"));

        var read = Assert.Throws<ToolException>(() => Execute(new FsReadTool(), """{ "path": "link.txt" }""", Declared("fs.read", "fs:read")));
        var write = Assert.Throws<ToolException>(() => Execute(new FsWriteTool(), """{ "path": "link.txt", "content": "overwritten" }""", Declared("fs.write", "fs:write")));

        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, read.Error);
        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, write.Error);
        Assert.Equal("outside the workspace", File.ReadAllText(Path.Combine(_outside, "secret.txt")));
    }

    [Fact]
    public void A_dangling_symlink_to_outside_is_refused_and_nothing_is_created_there()
    {
        var target = Path.Combine(_outside, "created.txt");
        File.CreateSymbolicLink(Path.Combine(_workspace.Root, "dangling.txt"), target);

        var write = Assert.Throws<ToolException>(() => Execute(new FsWriteTool(), """{ "path": "dangling.txt", "content": "x" }""", Declared("fs.write", "fs:write")));

        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, write.Error);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void A_symlinked_parent_directory_is_refused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_workspace.Root, "shared"), _outside);

        var read = Assert.Throws<ToolException>(() => Execute(new FsReadTool(), """{ "path": "shared/secret.txt" }""", Declared("fs.read", "fs:read")));
        var write = Assert.Throws<ToolException>(() => Execute(new FsWriteTool(), """{ "path": "shared/deeper/new.txt", "content": "x" }""", Declared("fs.write", "fs:write")));

        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, read.Error);
        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, write.Error);
        Assert.False(Directory.Exists(Path.Combine(_outside, "deeper")));
    }

    [Fact]
    public void A_symlink_that_stays_inside_the_workspace_is_refused_too()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, "real"));
        File.WriteAllText(Path.Combine(_workspace.Root, "real", "file.txt"), "inside");
        Directory.CreateSymbolicLink(Path.Combine(_workspace.Root, "alias"), Path.Combine(_workspace.Root, "real"));

        var ex = Assert.Throws<ToolException>(() => _workspace.Resolve("alias/file.txt"));

        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, ex.Error);
        Assert.Equal(Path.Combine(_workspace.Root, "real", "file.txt"), _workspace.Resolve("real/file.txt"));
    }

    [Fact]
    public void A_workspace_whose_root_is_a_symlink_confines_to_its_target()
    {
        var real = Directory.CreateDirectory(Path.Combine(_temp, "real-root")).FullName;
        var link = Path.Combine(_temp, "linked-root");
        Directory.CreateSymbolicLink(link, real);

        var workspace = new Workspace(link);

        Assert.Equal(real, workspace.Root);
        Assert.Equal(Path.Combine(real, "a.txt"), workspace.Resolve("a.txt"));
    }

    [Fact]
    public void Fs_write_does_not_follow_a_link_planted_at_the_old_temporary_path()
    {
        var victim = Path.Combine(_outside, "victim.txt");
        File.WriteAllText(victim, "outside the workspace");
        File.CreateSymbolicLink(Path.Combine(_workspace.Root, "note.txt.reach-tmp"), victim);

        Execute(new FsWriteTool(), """{ "path": "note.txt", "content": "inside" }""", Declared("fs.write", "fs:write"));

        Assert.Equal("outside the workspace", File.ReadAllText(victim));
        var note = new FileInfo(Path.Combine(_workspace.Root, "note.txt"));
        Assert.Null(note.LinkTarget);
        Assert.Equal("inside", File.ReadAllText(note.FullName));
    }

    [Fact]
    public void Fs_write_leaves_no_temporary_file_behind()
    {
        Execute(new FsWriteTool(), """{ "path": "a/note.txt", "content": "one" }""", Declared("fs.write", "fs:write"));
        Execute(new FsWriteTool(), """{ "path": "a/note.txt", "content": "two" }""", Declared("fs.write", "fs:write"));
        Directory.CreateDirectory(Path.Combine(_workspace.Root, "a", "taken"));

        var failed = Assert.Throws<ToolException>(() => Execute(new FsWriteTool(), """{ "path": "a/taken", "content": "x" }""", Declared("fs.write", "fs:write")));

        Assert.Equal(ErrorCatalog.ToolFailed, failed.Error);
        Assert.Equal(["note.txt", "taken"], Directory.GetFileSystemEntries(Path.Combine(_workspace.Root, "a")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("two", File.ReadAllText(Path.Combine(_workspace.Root, "a", "note.txt")));
    }

    [Fact]
    public void File_tool_errors_name_the_workspace_relative_path_and_never_the_server_path()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, "dir"));
        File.WriteAllText(Path.Combine(_workspace.Root, "file.txt"), "x");

        var errors = new[]
        {
            Assert.Throws<ToolException>(() => Execute(new FsWriteTool(), """{ "path": "dir", "content": "x" }""", Declared("fs.write", "fs:write"))),
            Assert.Throws<ToolException>(() => Execute(new FsWriteTool(), """{ "path": "file.txt/under.txt", "content": "x" }""", Declared("fs.write", "fs:write"))),
            Assert.Throws<ToolException>(() => Execute(new FsReadTool(), """{ "path": "dir" }""", Declared("fs.read", "fs:read"))),
            Assert.Throws<ToolException>(() => Execute(new FsReadTool(), """{ "path": "file.txt/under.txt" }""", Declared("fs.read", "fs:read"))),
            Assert.Throws<ToolException>(() => Execute(new FsReadTool(), """{ "path": "missing.txt" }""", Declared("fs.read", "fs:read"))),
        };

        Assert.All(errors, error =>
        {
            Assert.DoesNotContain(_temp, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(_workspace.Root, error.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Fs_read_refuses_a_hard_link_to_a_file_outside()
    {
        var secret = Path.Combine(_outside, "secret.txt");
        var link = Path.Combine(_workspace.Root, "hard.txt");
        Assert.Equal(0, HardLink.Create(secret, link));

        var read = Assert.Throws<ToolException>(() => Execute(new FsReadTool(), """{ "path": "hard.txt" }""", Declared("fs.read", "fs:read")));

        Assert.Equal(ErrorCatalog.PathEscapesWorkspace, read.Error);
        Assert.Contains("hard link", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fs_read_refuses_a_fifo_instead_of_waiting_on_it()
    {
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [Path.Combine(_workspace.Root, "pipe")]))!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // A read that blocks on the FIFO never returns: WaitAsync turns that into a TimeoutException.
        var read = await Task.Run(() => Assert.Throws<ToolException>(() => Execute(new FsReadTool(), """{ "path": "pipe" }""", Declared("fs.read", "fs:read"))), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCatalog.ToolFailed, read.Error);
    }

    [Fact]
    public void Fs_write_replaces_a_hard_link_instead_of_writing_through_it()
    {
        var secret = Path.Combine(_outside, "secret.txt");
        Assert.Equal(0, HardLink.Create(secret, Path.Combine(_workspace.Root, "hard.txt")));

        Execute(new FsWriteTool(), """{ "path": "hard.txt", "content": "inside" }""", Declared("fs.write", "fs:write"));

        Assert.Equal("outside the workspace", File.ReadAllText(secret));
        Assert.Equal("inside", File.ReadAllText(Path.Combine(_workspace.Root, "hard.txt")));
    }

    [Fact]
    public void File_tools_without_a_workspace_fail()
    {
        var ex = Assert.Throws<ToolException>(() => new FsReadTool().Execute(Json("""{ "path": "a.txt" }"""), new ToolContext(null, Declared("fs.read", "fs:read"))));

        Assert.Equal(ErrorCatalog.ToolFailed, ex.Error);
    }

    [Fact]
    public void Proc_exec_captures_the_exit_code_stdout_and_stderr()
    {
        var output = Exec("""{ "command": "sh", "args": ["-c", "echo out; echo err >&2; exit 3"] }""");

        Assert.Equal(3, output.GetProperty("exit_code").GetInt32());
        Assert.Equal("out\n", output.GetProperty("stdout").GetString());
        Assert.Equal("err\n", output.GetProperty("stderr").GetString());
        Assert.False(output.GetProperty("timed_out").GetBoolean());
        Assert.False(output.GetProperty("stdout_truncated").GetBoolean());
    }

    [Fact]
    public void Proc_exec_feeds_stdin_and_runs_in_the_workspace()
    {
        var output = Exec("""{ "command": "sh", "args": ["-c", "cat; pwd"], "stdin": "from stdin\n" }""");

        Assert.Equal($"from stdin\n{_workspace.Root}\n", output.GetProperty("stdout").GetString());
        Assert.Equal(0, output.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public void Proc_exec_stops_a_process_that_runs_past_its_timeout()
    {
        var clock = Stopwatch.StartNew();

        var output = Exec("""{ "command": "sleep", "args": ["30"], "timeout_ms": 300 }""");

        Assert.True(output.GetProperty("timed_out").GetBoolean());
        Assert.Equal(-1, output.GetProperty("exit_code").GetInt32());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Proc_exec_passes_arguments_literally_without_a_shell()
    {
        var output = Exec("""{ "command": "printf", "args": ["%s", "$(echo hi) `id` ; | > *"] }""");

        Assert.Equal("$(echo hi) `id` ; | > *", output.GetProperty("stdout").GetString());
        Assert.False(File.Exists(Path.Combine(_workspace.Root, "*")));
    }

    [Fact]
    public void Proc_exec_does_not_pass_the_parent_environment_on()
    {
        var name = "REACH_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "do-not-leak");
        try
        {
            var output = Exec("""{ "command": "env" }""");

            var stdout = output.GetProperty("stdout").GetString()!;
            Assert.DoesNotContain(name, stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("do-not-leak", stdout, StringComparison.Ordinal);
            Assert.Contains($"HOME={_workspace.Root}\n", stdout, StringComparison.Ordinal);
            Assert.Contains("PATH=", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Proc_exec_reports_a_program_that_cannot_be_started()
    {
        var ex = Assert.Throws<ToolException>(() => Exec("""{ "command": "reach-no-such-program-4711" }"""));

        Assert.Equal(ErrorCatalog.ProcessStartFailed, ex.Error);
    }

    [Theory]
    [InlineData("""{ "args": [] }""")]
    [InlineData("""{ "command": "true", "args": "-la" }""")]
    [InlineData("""{ "command": "true", "args": [1] }""")]
    [InlineData("""{ "command": "true", "timeout_ms": 0 }""")]
    public void Proc_exec_refuses_a_malformed_input(string input)
    {
        var ex = Assert.Throws<ToolException>(() => Exec(input));

        Assert.Equal(ErrorCatalog.ToolInputInvalid, ex.Error);
    }

    [Fact]
    public void Http_get_refuses_a_host_that_is_not_allowed()
    {
        var declaration = new ToolDeclaration { Name = "http.get", Permissions = ["net:http"], AllowHosts = ["example.org"] };

        var ex = Assert.Throws<ToolException>(() => Execute(new HttpGetTool(), """{ "url": "http://127.0.0.1:9/" }""", declaration));

        Assert.Equal(ErrorCatalog.HostNotAllowed, ex.Error);
    }

    [Fact]
    public void Http_get_refuses_every_host_when_none_is_allowed()
    {
        var ex = Assert.Throws<ToolException>(() => Execute(new HttpGetTool(), """{ "url": "http://example.org/" }""", Declared("http.get", "net:http")));

        Assert.Equal(ErrorCatalog.HostNotAllowed, ex.Error);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/file")]
    [InlineData("not a url")]
    public void Http_get_refuses_what_is_not_an_http_url(string url)
    {
        var declaration = new ToolDeclaration { Name = "http.get", Permissions = ["net:http"], AllowHosts = ["127.0.0.1"] };

        var ex = Assert.Throws<ToolException>(() => Execute(new HttpGetTool(), JsonSerializer.Serialize(new Dictionary<string, string> { ["url"] = url }), declaration));

        Assert.Equal(ErrorCatalog.ToolInputInvalid, ex.Error);
    }

    [Fact]
    public async Task Http_get_fetches_from_an_allowed_loopback_server()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeOnce(listener, "200 OK", "text/plain; charset=utf-8", "hello from loopback");
        var declaration = new ToolDeclaration { Name = "http.get", Permissions = ["net:http"], AllowHosts = [$"127.0.0.1:{port}"] };

        var output = await Task.Run(() => Execute(new HttpGetTool(), $$"""{ "url": "http://127.0.0.1:{{port}}/greeting", "timeout_ms": 10000 }""", declaration));

        Assert.Equal(200, output.GetProperty("status").GetInt32());
        Assert.Equal("hello from loopback", output.GetProperty("body").GetString());
        Assert.Equal("text/plain; charset=utf-8", output.GetProperty("content_type").GetString());
        Assert.False(output.GetProperty("body_truncated").GetBoolean());
        Assert.StartsWith("GET /greeting HTTP/1.1", await server, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_get_does_not_follow_a_redirect_off_the_allow_list()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeOnce(listener, "302 Found", "text/plain", "moved", "Location: http://example.org/\r\n");
        var declaration = new ToolDeclaration { Name = "http.get", Permissions = ["net:http"], AllowHosts = [$"127.0.0.1:{port}"] };

        var output = await Task.Run(() => Execute(new HttpGetTool(), $$"""{ "url": "http://127.0.0.1:{{port}}/", "timeout_ms": 10000 }""", declaration));

        Assert.Equal(302, output.GetProperty("status").GetInt32());
        Assert.Equal("moved", output.GetProperty("body").GetString());
        await server;
    }

    [Fact]
    public void Http_get_refuses_a_port_the_allow_list_does_not_name_and_sends_nothing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var other = port == 65535 ? port - 1 : port + 1;
        var url = $$"""{ "url": "http://127.0.0.1:{{port}}/", "timeout_ms": 2000 }""";

        var bare = Assert.Throws<ToolException>(() => Execute(new HttpGetTool(), url, new ToolDeclaration { Name = "http.get", Permissions = ["net:http"], AllowHosts = ["127.0.0.1"] }));
        var otherPort = Assert.Throws<ToolException>(() => Execute(new HttpGetTool(), url, new ToolDeclaration { Name = "http.get", Permissions = ["net:http"], AllowHosts = [$"127.0.0.1:{other}"] }));

        Assert.Equal(ErrorCatalog.HostNotAllowed, bare.Error);
        Assert.Equal(ErrorCatalog.HostNotAllowed, otherPort.Error);
        Assert.Contains($"127.0.0.1:{port}", bare.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending());
    }

    [Theory]
    [InlineData("example.com", "http://example.com/", true)]
    [InlineData("example.com", "https://example.com/", true)]
    [InlineData("example.com", "http://example.com:80/", true)]
    [InlineData("EXAMPLE.com", "https://example.COM:443/x", true)]
    [InlineData("example.com", "http://example.com:8080/", false)]
    [InlineData("example.com", "https://example.com:80/", false)]
    [InlineData("example.com:8080", "http://example.com:8080/", true)]
    [InlineData("example.com:8080", "http://example.com/", false)]
    [InlineData("example.com:443", "https://example.com/", true)]
    [InlineData("example.com:443", "http://example.com/", false)]
    [InlineData("[::1]:8080", "http://[::1]:8080/", true)]
    [InlineData("[::1]", "http://[::1]/", true)]
    [InlineData("[::1]", "http://[::1]:8080/", false)]
    [InlineData("example.com:", "http://example.com/", false)]
    [InlineData("example.com:http", "http://example.com/", false)]
    [InlineData("example.com:99999", "http://example.com:9999/", false)]
    [InlineData("other.example.com", "http://example.com/", false)]
    public void An_allow_hosts_entry_names_a_host_and_a_port_the_scheme_default_when_none_is_given(string entry, string url, bool allowed)
    {
        Assert.Equal(allowed, HostAllowList.Allows([entry], new Uri(url)));
    }

    [Fact]
    public void Http_get_reports_a_server_that_is_not_there()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var declaration = new ToolDeclaration { Name = "http.get", Permissions = ["net:http"], AllowHosts = [$"127.0.0.1:{port}"] };

        var ex = Assert.Throws<ToolException>(() => Execute(new HttpGetTool(), $$"""{ "url": "http://127.0.0.1:{{port}}/", "timeout_ms": 10000 }""", declaration));

        Assert.Equal(ErrorCatalog.HttpFailed, ex.Error);
    }

    [Fact]
    public void Echo_returns_its_input()
    {
        var output = new EchoTool().Execute(Json("""{ "b": [1, "two"], "a": null }"""), new ToolContext(null, null));

        Assert.Equal("""{ "b": [1, "two"], "a": null }""", output.GetRawText());
    }

    [Theory]
    [InlineData("", """{"a":[1,{"b":"x"}]}""")]
    [InlineData("/a", """[1,{"b":"x"}]""")]
    [InlineData("/a/1/b", "\"x\"")]
    [InlineData("/c~1d", "true")]
    [InlineData("/e~0f", "false")]
    public void Json_get_follows_a_JSON_pointer(string pointer, string expected)
    {
        var input = $$"""{ "value": {"a":[1,{"b":"x"}],"c/d":true,"e~f":false}, "pointer": {{JsonSerializer.Serialize(pointer)}} }""";

        var output = new JsonGetTool().Execute(Json(input), new ToolContext(null, null));

        if (pointer.Length == 0)
        {
            Assert.True(output.TryGetProperty("c/d", out _));
        }
        else
        {
            Assert.Equal(expected, output.GetRawText().Replace(" ", "", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("""{ "value": {"a":1}, "pointer": "/b" }""", "REACH-2227")]
    [InlineData("""{ "value": [1], "pointer": "/1" }""", "REACH-2227")]
    [InlineData("""{ "value": {"a":1}, "pointer": "a" }""", "REACH-2228")]
    [InlineData("""{ "pointer": "" }""", "REACH-2228")]
    public void Json_get_reports_what_it_cannot_find(string input, string code)
    {
        var ex = Assert.Throws<ToolException>(() => new JsonGetTool().Execute(Json(input), new ToolContext(null, null)));

        Assert.Equal(code, ex.Error.Code);
    }

    [Fact]
    public void Text_template_fills_in_values()
    {
        var output = new TextTemplateTool().Execute(Json("""{ "template": "{{ greeting }}, {{name}}! {{n}} {{o}}", "values": { "greeting": "Hi", "name": "Ada", "n": 2.50, "o": {"b":1,"a":2} } }"""), new ToolContext(null, null));

        Assert.Equal("""Hi, Ada! 2.5 {"a":2,"b":1}""", output.GetString());
    }

    [Theory]
    [InlineData("""{ "template": "{{missing}}", "values": {} }""")]
    [InlineData("""{ "template": "{{open", "values": {} }""")]
    [InlineData("""{ "values": {} }""")]
    public void Text_template_refuses_what_it_cannot_fill(string input)
    {
        var ex = Assert.Throws<ToolException>(() => new TextTemplateTool().Execute(Json(input), new ToolContext(null, null)));

        Assert.Equal(ErrorCatalog.ToolInputInvalid, ex.Error);
    }

    [Fact]
    public void Hash_sha256_hashes_the_UTF8_text()
    {
        var output = new HashSha256Tool().Execute(Json("""{ "text": "" }"""), new ToolContext(null, null));

        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", output.GetString());
    }

    [Fact]
    public void The_registry_knows_every_built_in_tool_and_which_are_deterministic()
    {
        var registry = ToolRegistry.BuiltIn;

        Assert.Equal(["echo", "fs.read", "fs.write", "hash.sha256", "http.get", "json.get", "proc.exec", "text.template"], registry.Names);
        Assert.All(["echo", "json.get", "text.template", "hash.sha256"], name => Assert.True(registry.Find(name)!.Deterministic));
        Assert.All(["fs.read", "fs.write", "proc.exec", "http.get"], name => Assert.False(registry.Find(name)!.Deterministic));
        Assert.Null(registry.Find("shell.run"));
    }

    private JsonElement Execute(ITool tool, string input, ToolDeclaration declaration) =>
        tool.Execute(Json(input), new ToolContext(_workspace, declaration));

    private JsonElement Exec(string input) => Execute(new ProcExecTool(), input, Declared("proc.exec", "proc:exec"));

    private static ToolDeclaration Declared(string name, params string[] permissions) => new() { Name = name, Permissions = permissions };

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Answers one HTTP request with a fixed response and returns the request head.</summary>
    private static async Task<string> ServeOnce(TcpListener listener, string status, string contentType, string body, string extraHeaders = "")
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\n{extraHeaders}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
        return request.ToString();
    }
}
