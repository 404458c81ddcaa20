using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Reach.Core.Engine;
using Reach.Core.Gates;
using Reach.Core.Hashing;
using Reach.Mcp.Connectors;

namespace Reach.Mcp.Gateway;

/// <summary>
/// A gateway session recorded by a runner (<c>--runner URL</c>) over its HTTP API: the session is opened on the
/// gateway pack with the policy bundle (both sent inline), each call is decided by the runner (<c>decide</c>), forwarded when allowed,
/// and recorded with its client-supplied result (<c>tool-calls</c>); a denied call is recorded as the denial it is.
/// The runner's transcript is the record, in the same format.
/// </summary>
public sealed class RunnerGatewaySession : IGatewaySession
{
    // One call or close at a time: a call in flight holds it across its awaits.
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly HttpClient _http;
    private readonly string _sessionPath;

    private readonly Func<string, CancellationToken, ValueTask<PolicyDecision?>> _pinCheck;

    private RunnerGatewaySession(HttpClient http, string runId, Func<string, CancellationToken, ValueTask<PolicyDecision?>> pinCheck)
    {
        _http = http;
        _pinCheck = pinCheck;
        RunId = runId;
        _sessionPath = "/v1/sessions/" + RunId;
    }

    /// <summary>Opens the runner session on the gateway pack and the policy bundle.</summary>
    internal static async Task<RunnerGatewaySession> OpenAsync(GatewayOptions options, RunnerTarget runner, Func<string, CancellationToken, ValueTask<PolicyDecision?>> pinCheck, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = runner.Url, Timeout = options.CallTimeout + TimeSpan.FromSeconds(30) };
        try
        {
            // A runner takes no server paths: the gateway pack (tools the client runs, nothing the runner executes) and
            // the policy bundle go inline.
            var body = new JsonObject { ["pack"] = JsonNode.Parse(await File.ReadAllBytesAsync(Path.Combine(runner.PackDirectory, "pack.json"), cancellationToken).ConfigureAwait(false)) };
            if (runner.PolicyPath is not null)
            {
                body["policy"] = JsonNode.Parse(await File.ReadAllBytesAsync(runner.PolicyPath, cancellationToken).ConfigureAwait(false));
                body["policy_mode"] = runner.PolicyMode ?? "enforce";
            }

            var opened = await PostAsync(http, "/v1/sessions", body, cancellationToken).ConfigureAwait(false);
            var runId = opened["session_id"]?.GetValue<string>() ?? throw Unavailable("it answered POST /v1/sessions without a session_id");
            return new RunnerGatewaySession(http, runId, pinCheck);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The runner session's id.</summary>
    public string RunId { get; }

    /// <summary>The result, once closed.</summary>
    public RunResult? Result { get; private set; }

    /// <summary>Writes the gateway pack (<c>pack.json</c>: the pinned tools as <c>&lt;connector&gt;/&lt;tool&gt;</c>, the budgets) for the runner to load.</summary>
    public static void WritePack(GatewayPack pack, string directory)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var tools = new JsonArray();
        foreach (var declaration in pack.Pack.Manifest.Tools)
        {
            tools.Add(new JsonObject
            {
                ["name"] = declaration.Name,
                ["permissions"] = new JsonArray([.. declaration.Permissions.Select(p => (JsonNode)p!)]),
                ["cost"] = declaration.Cost,
            });
        }

        var budgets = new JsonObject();
        var limits = pack.Pack.Manifest.Budgets;
        if (limits.MaxSteps is { } steps)
        {
            budgets["max_steps"] = steps;
        }

        if (limits.MaxToolCalls is { } calls)
        {
            budgets["max_tool_calls"] = calls;
        }

        if (limits.MaxCost is { } cost)
        {
            budgets["max_cost"] = cost;
        }

        if (limits.MaxDuration is { } duration)
        {
            budgets["max_duration"] = ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var manifest = new JsonObject
        {
            ["name"] = GatewayPack.RunnerNamePrefix + pack.Connector,
            ["version"] = GatewayPack.PackVersion,
            ["description"] = pack.Pack.Manifest.Description,
            ["tools"] = tools,
            ["steps"] = new JsonArray(),
            ["budgets"] = budgets,
        };
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "pack.json"), manifest.ToJsonString());
    }

    /// <summary>Decides, forwards and records one call through the runner; null once the session is over.</summary>
    public async ValueTask<CallOutcome?> ProposeAsync(string tool, JsonElement input, Func<CancellationToken, ValueTask<ToolOutcome>> forward, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Result is not null)
            {
                return null;
            }

            var inputNode = JsonNode.Parse(input.GetRawText());
            if (await _pinCheck(tool, cancellationToken).ConfigureAwait(false) is { } pinRefusal)
            {
                // The pin check is the gateway's (it reads the server): the refusal travels with the call, and the
                // runner's pin gate records it as the local gateway does, a deny by reach.mcp.pinned that charges nothing.
                var refused = new JsonObject { ["refused"] = new JsonObject { ["code"] = pinRefusal.Code!.Code, ["reason"] = pinRefusal.Reason } };
                return Denied((await CallAsync(tool, inputNode, refused, cancellationToken).ConfigureAwait(false))["decision"]!);
            }

            var decision = (await PostAsync(_http, _sessionPath + "/decide", new JsonObject { ["tool"] = tool, ["input"] = inputNode?.DeepClone() }, cancellationToken).ConfigureAwait(false))["decision"]!;
            if (decision["allowed"]?.GetValue<bool>() != true)
            {
                return Denied((await CallAsync(tool, inputNode, null, cancellationToken).ConfigureAwait(false))["decision"]!);
            }

            var outcome = await forward(cancellationToken).ConfigureAwait(false);
            var supplied = outcome.Succeeded ? new JsonObject { ["output"] = JsonNode.Parse(outcome.Output.GetRawText()) } : Error(outcome.Error!.Code, outcome.Message!);
            await CallAsync(tool, inputNode, new JsonObject { ["result"] = supplied }, cancellationToken).ConfigureAwait(false);
            return outcome.Succeeded
                ? new CallOutcome { Status = RunStatus.Succeeded, Output = outcome.Output }
                : new CallOutcome { Status = RunStatus.Failed, Code = outcome.Error, Reason = outcome.Message };
        }
        finally
        {
            _lock.Release();
        }
    }

    // The runner's answer to a call its gates denied, as the gateway answers the client.
    private static CallOutcome Denied(JsonNode denied)
    {
        var code = denied["code"]?.GetValue<string>();
        return new CallOutcome
                {
                    Status = RunStatus.Denied,
                    Gate = denied["gate"]?.GetValue<string>() ?? "policy",
                    Code = code is null ? ErrorCatalog.PolicyGateFailed : ErrorCatalog.Find(code) ?? ErrorCatalog.PolicyGateFailed,
                    Reason = denied["reason"]?.GetValue<string>() ?? "The runner denied the call.",
                    Rules = [.. (denied["rules"]?.AsArray() ?? []).Select(r => r!.GetValue<string>())],
                };
    }

    /// <summary>Closes the runner session after a failure of the server.</summary>
    public Task FailAsync(ReachException error) => FinishAsync(error);

    /// <summary>Closes the runner session (it records run.finished and seals its transcript).</summary>
    public async Task<RunResult> FinishAsync(ReachException? error)
    {
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Result is null)
            {
                // The runner closes a session as succeeded; a failure stays recorded as the failed call's tool.error.
                var closed = await PostAsync(_http, _sessionPath + "/close", new JsonObject(), CancellationToken.None).ConfigureAwait(false);
                Result = new RunResult
                {
                    RunId = RunId,
                    Status = error is null ? RunStatus.Succeeded : RunStatus.Failed,
                    Code = error?.Error,
                    Reason = error?.Message,
                    Fingerprint = Sha256Digest.Parse(closed["fingerprint"]!.GetValue<string>()),
                    Events = closed["events"]!.GetValue<long>(),
                };
            }

            return Result;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _lock.Dispose();
    }

    // Records one call; extra holds the call's result or refusal, when it has one.
    private Task<JsonNode> CallAsync(string tool, JsonNode? input, JsonObject? extra, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["tool"] = tool, ["input"] = input?.DeepClone() };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return PostAsync(_http, _sessionPath + "/tool-calls", body, cancellationToken);
    }

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static async Task<JsonNode> PostAsync(HttpClient http, string path, JsonObject body, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Unavailable($"POST {path} answered {(int)response.StatusCode}: {text}");
            }

            return JsonNode.Parse(text) ?? throw Unavailable($"POST {path} answered nothing");
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable(ex.Message);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(ex.Message);
        }
    }

    private static ReachException Unavailable(string detail) => new(ErrorCatalog.McpRunnerUnavailable, $"The runner cannot record this session: {detail}");
}
