using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Reach.Cli.Tests;

/// <summary>
/// The runner's durability promises, on the real <c>reach serve</c> process: a call is acknowledged only once its
/// events are committed, so <c>kill -9</c> loses none of them, and a restarted runner takes the open session up again.
/// </summary>
public class ServeRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kill_9_loses_no_acknowledged_call_and_the_restarted_runner_resumes_the_session()
    {
        using var reach = new ReachProcess();
        var acknowledged = new List<(long Seq, string Hash)>();
        string session;
        using (var first = await StartAsync(reach))
        {
            session = await OpenAsync(first.Client);
            // hello allows 10 steps: 6 before the kill, so the restarted runner's budget ledger must remember them.
            for (var i = 0; i < 6; i++)
            {
                var ack = await CallAsync(first.Client, session, i);
                acknowledged.Add((ack.GetProperty("seq").GetInt64(), ack.GetProperty("hash").GetString()!));
            }

            // SIGKILL: no shutdown hook runs, nothing is flushed or sealed on the way out.
            first.Process.Kill();
            await first.Process.WaitForExitAsync(Ct);
        }

        using var second = await StartAsync(reach);
        var before = await second.Client.GetByteArrayAsync(new Uri($"/v1/sessions/{session}/transcript", UriKind.Relative), Ct);
        var hashes = Encoding.UTF8.GetString(before).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(e => e.GetProperty("seq").GetInt64(), e => e.GetProperty("hash").GetString());
        foreach (var (seq, hash) in acknowledged)
        {
            Assert.True(hashes.TryGetValue(seq, out var stored), $"acknowledged event {seq} is missing after kill -9");
            Assert.Equal(hash, stored);
        }

        // The same session goes on: the next call chains to the last committed event, and the budget ledger rebuilt
        // from the events lets exactly the 4 steps left through before the budget gate denies.
        var next = await CallAsync(second.Client, session, 99);
        Assert.Equal(hashes.Keys.Max() + 4, next.GetProperty("seq").GetInt64());
        var allowed = 1;
        JsonElement answer;
        while ((answer = await CallAsync(second.Client, session, 100 + allowed)).GetProperty("decision").GetProperty("allowed").GetBoolean())
        {
            allowed++;
            Assert.True(allowed <= 10, "the budget gate never denied: the ledger was not rebuilt");
        }

        Assert.Equal(4, allowed);
        Assert.Equal("budget", answer.GetProperty("decision").GetProperty("gate").GetString());
        using (var close = await second.Client.PostAsync(new Uri($"/v1/sessions/{session}/close", UriKind.Relative), null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        }

        var transcript = Path.Combine(reach.Home, "exported.jsonl");
        await File.WriteAllBytesAsync(transcript, await second.Client.GetByteArrayAsync(new Uri($"/v1/sessions/{session}/transcript", UriKind.Relative), Ct), Ct);
        var verify = reach.Run("verify", transcript, "--json");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        using var report = JsonDocument.Parse(verify.Stdout);
        Assert.True(report.RootElement.GetProperty("ok").GetBoolean());

        // The file beside the store was rewritten from it and carries on byte for byte.
        Assert.Equal(await File.ReadAllBytesAsync(transcript, Ct), await File.ReadAllBytesAsync(Path.Combine(reach.Home, "runs", session + ".jsonl"), Ct));
    }

    private static async Task<string> OpenAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/v1/sessions", UriKind.Relative), new { pack = "hello" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("session_id").GetString()!;
    }

    private static async Task<JsonElement> CallAsync(HttpClient client, string session, int i)
    {
        using var response = await client.PostAsJsonAsync(new Uri($"/v1/sessions/{session}/tool-calls", UriKind.Relative), new { tool = "echo", input = new { i } }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<Runner> StartAsync(ReachProcess reach)
    {
        // The operator's pack directory: clients open the example packs by name.
        var process = Process.Start(reach.StartInfo("serve", "--urls", "http://127.0.0.1:0", "--json", "--pack-dir", Path.GetDirectoryName(ReachProcess.Example("hello"))!))!;
        var text = new StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct) is { } line)
        {
            text.AppendLine(line);
            if (line == "}")
            {
                break;
            }
        }

        var address = JsonDocument.Parse(text.ToString()).RootElement.GetProperty("listening").GetString()!;
        return new Runner(process, new HttpClient { BaseAddress = new Uri(address) });
    }

    private sealed class Runner(Process process, HttpClient client) : IDisposable
    {
        public Process Process { get; } = process;

        public HttpClient Client { get; } = client;

        public void Dispose()
        {
            Client.Dispose();
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
