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
    private readonly Lock _lock = new();
    private readonly HttpClient _http;
    private readonly string _sessionPath;

    private readonly Func<string, PolicyDecision?> _pinCheck;

    internal RunnerGatewaySession(GatewayOptions options, RunnerTarget runner, Func<string, PolicyDecision?> pinCheck)
    {
        _pinCheck = pinCheck;
        _http = new HttpClient { BaseAddress = runner.Url, Timeout = options.CallTimeout + TimeSpan.FromSeconds(30) };
        // A runner takes no server paths: the gateway pack (tools the client runs, nothing the runner executes) and the
        // policy bundle go inline.
        var body = new JsonObject { ["pack"] = JsonNode.Parse(File.ReadAllBytes(Path.Combine(runner.PackDirectory, "pack.json"))) };
        if (runner.PolicyPath is not null)
        {
            body["policy"] = JsonNode.Parse(File.ReadAllBytes(runner.PolicyPath));
            body["policy_mode"] = runner.PolicyMode ?? "enforce";
        }

        var opened = Post("/v1/sessions", body);
        RunId = opened["session_id"]?.GetValue<string>() ?? throw Unavailable("it answered POST /v1/sessions without a session_id");
        _sessionPath = "/v1/sessions/" + RunId;
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
            ["name"] = "mcp-" + pack.Connector,
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
    public CallOutcome? Propose(string tool, JsonElement input, Func<CancellationToken, ValueTask<ToolOutcome>> forward)
    {
        lock (_lock)
        {
            if (Result is not null)
            {
                return null;
            }

            var inputNode = JsonNode.Parse(input.GetRawText());
            if (_pinCheck(tool) is { } pinRefusal)
            {
                // The runner has no pin check: the refusal is recorded as the call's outcome, and the call is never forwarded.
                Call(tool, inputNode, Error(pinRefusal.Code!.Code, pinRefusal.Reason));
                return new CallOutcome { Status = RunStatus.Denied, Gate = "pin", Code = pinRefusal.Code, Reason = pinRefusal.Reason, Rules = pinRefusal.Rules, Policy = pinRefusal };
            }

            var decision = Post(_sessionPath + "/decide", new JsonObject { ["tool"] = tool, ["input"] = inputNode?.DeepClone() })["decision"]!;
            if (decision["allowed"]?.GetValue<bool>() != true)
            {
                var denied = Call(tool, inputNode, null)["decision"]!;
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

            var outcome = forward(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var supplied = outcome.Succeeded ? new JsonObject { ["output"] = JsonNode.Parse(outcome.Output.GetRawText()) } : Error(outcome.Error!.Code, outcome.Message!);
            Call(tool, inputNode, supplied);
            return outcome.Succeeded
                ? new CallOutcome { Status = RunStatus.Succeeded, Output = outcome.Output }
                : new CallOutcome { Status = RunStatus.Failed, Code = outcome.Error, Reason = outcome.Message };
        }
    }

    /// <summary>Closes the runner session after a failure of the server.</summary>
    public void Fail(ReachException error) => Finish(error);

    /// <summary>Closes the runner session (it records run.finished and seals its transcript).</summary>
    public RunResult Finish(ReachException? error)
    {
        lock (_lock)
        {
            if (Result is null)
            {
                // The runner closes a session as succeeded; a failure stays recorded as the failed call's tool.error.
                var closed = Post(_sessionPath + "/close", new JsonObject());
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
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _http.Dispose();

    private JsonNode Call(string tool, JsonNode? input, JsonObject? result)
    {
        var body = new JsonObject { ["tool"] = tool, ["input"] = input?.DeepClone() };
        if (result is not null)
        {
            body["result"] = result;
        }

        return Post(_sessionPath + "/tool-calls", body);
    }

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private JsonNode Post(string path, JsonObject body)
    {
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = _http.PostAsync(new Uri(path, UriKind.Relative), content).GetAwaiter().GetResult();
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
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
        catch (TaskCanceledException ex)
        {
            throw Unavailable(ex.Message);
        }
    }

    private static ReachException Unavailable(string detail) => new(ErrorCatalog.McpRunnerUnavailable, $"The runner cannot record this session: {detail}");
}
