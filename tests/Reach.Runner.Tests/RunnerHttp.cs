using System.Net.Http.Json;
using System.Text;

namespace Reach.Runner.Tests;

/// <summary>One answer of the runner: its status, headers and body bytes, kept whole so tests can compare them.</summary>
internal sealed record Reply(string Request, HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers, string? MediaType, byte[] Bytes)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    public JsonElement Json
    {
        get
        {
            try
            {
                return JsonDocument.Parse(Bytes).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"{Request}: the body is not JSON ({(int)Status}): {Text}", ex);
            }
        }
    }

    /// <summary>The catalogue code of a problem answer, or null.</summary>
    public string? Code => Bytes.Length > 0 && Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("code", out var code) ? code.GetString() : null;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Asserts the status (the message carries the body) and returns the reply.</summary>
    public Reply Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"{Request}: expected {(int)status}, got {(int)Status}: {Text}");
        return this;
    }

    /// <summary>Asserts an RFC 9457 problem with this status and catalogue code.</summary>
    public Reply ExpectProblem(HttpStatusCode status, string code)
    {
        Expect(status);
        Assert.Equal("application/problem+json", MediaType);
        Assert.Equal(code, Code);
        Assert.Equal((int)status, Json.GetProperty("status").GetInt32());
        return this;
    }
}

/// <summary>Requests with the headers the runner reads: tenant, bearer token, Idempotency-Key, Accept, Last-Event-ID.</summary>
internal static class RunnerHttp
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends one request; <paramref name="body"/> is serialized as JSON unless it is a string (sent as is).</summary>
    public static async Task<Reply> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null, string? tenant = null, string? token = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, path);
        if (body is string text)
        {
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (tenant is not null)
        {
            request.Headers.Add("X-Tenant-ID", tenant);
        }

        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request, Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            all[name] = string.Join(", ", values);
        }

        return new Reply($"{method} {path}", response.StatusCode, all, response.Content.Headers.ContentType?.MediaType, bytes);
    }

    public static Task<Reply> GetAsync(this RunnerFixture runner, string path, string? tenant = null, string? token = null) =>
        runner.Client.SendAsync(HttpMethod.Get, path, null, tenant, token);

    public static Task<Reply> SendPostAsync(this RunnerFixture runner, string path, object body, string? tenant = null, string? token = null, IReadOnlyDictionary<string, string>? headers = null) =>
        runner.Client.SendAsync(HttpMethod.Post, path, body, tenant, token, headers);

    /// <summary>Opens a session on a pack by name (installed, or in the runner's pack directories) with a policy by name or inline, and returns its id.</summary>
    public static async Task<string> OpenAtAsync(this RunnerFixture runner, string pack, string? tenant = null, object? policy = null, string? token = null)
    {
        object body = policy is null ? new { pack } : new { pack, policy };
        var opened = (await runner.SendPostAsync("/v1/sessions", body, tenant, token)).Expect(HttpStatusCode.Created).Json;
        return opened.GetProperty("session_id").GetString()!;
    }

    /// <summary>The stored description of a session (<c>GET /v1/sessions/{id}</c>).</summary>
    public static async Task<JsonElement> DescribeAsync(this RunnerFixture runner, string id, string? tenant = null) =>
        (await runner.GetAsync($"/v1/sessions/{id}", tenant)).Expect(HttpStatusCode.OK).Json;

    /// <summary>The lines of a transcript, parsed (header first).</summary>
    public static List<JsonElement> Lines(byte[] transcript) =>
        [.. Encoding.UTF8.GetString(transcript).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    /// <summary>The events of a transcript of one type.</summary>
    public static List<JsonElement> EventsOfType(byte[] transcript, string type) =>
        [.. Lines(transcript).Where(l => l.TryGetProperty("type", out var t) && t.GetString() == type)];
}

/// <summary>Temporary packs, bundles and homes written by tests, removed with the directory.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("reach-test-").FullName;

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> to a file under the directory (creating folders) and returns its full path.</summary>
    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    /// <summary>Writes a pack as NAME/pack.json (NAME from the manifest), for a runner with this directory among its pack directories, and returns NAME.</summary>
    public string WritePack(string manifest)
    {
        var name = JsonDocument.Parse(manifest).RootElement.GetProperty("name").GetString()!;
        Write(System.IO.Path.Combine(name, "pack.json"), manifest);
        return name;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}

/// <summary>Bounded waits on the runner's background work (no timing is asserted).</summary>
internal static class Eventually
{
    /// <summary>Asks <paramref name="probe"/> until it answers non-null, at most about a minute.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what)
        where T : struct
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"{what} did not happen within the bounded wait.");
    }
}
