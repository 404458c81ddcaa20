using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Reach.Runner;

/// <summary>
/// What the generated OpenAPI document cannot infer: the API's description, each operation's summary, request and
/// response examples, and the problem details each can answer with (RFC 9457, carrying the catalogue code).
/// </summary>
internal static class OpenApiDescriptions
{
    private const string Session = "dd37c1ad42f5a134e024ea608c18f4d7";
    private const string Digest = "sha256:0608e769898af07350419673c9348405f6a5c0ffae37f862339e56e72c500c35";
    private const string Hash = "sha256:496451c07bb843485073a63cd537d78907d1bbed0039050309dc24aced315212";

    private sealed record Operation(string Summary, string? Request, string Response, int[] Errors);

    private static readonly Dictionary<string, Operation> Operations = new(StringComparer.Ordinal)
    {
        ["health"] = new("Liveness: 200 while the process serves", null, """{"status":"ok"}""", []),
        ["ready"] = new("Readiness: 200 when REACH_HOME and the store can be used, else 503 (REACH-4008)", null, """{"status":"ready"}""", []),
        ["getVersion"] = new("The runner's version, engine and transcript format", null, """{"version":"0.1.0","engine":"reach/1","format":1}""", [401, 429]),
        ["getFeatures"] = new(
            "The effective feature flags, each with where its value came from",
            null,
            """{"features":{"enable_sso":{"enabled":false,"source":"default"},"enable_compliance_logs":{"enabled":true,"source":"environment"},"enable_node_federation":{"enabled":false,"source":"default","note":"reserved for the multi-node work; it changes nothing yet"},"enable_unlimited_spawns":{"enabled":false,"source":"default"}}}""",
            [401, 429]),
        ["openSession"] = new(
            "Open a session bound to a pack named NAME or NAME@VERSION (installed for the tenant or by the operator, or in the runner's pack directories; never a path) and, optionally, a policy bundle by name or inline",
            """{"pack":"files-and-processes","inputs":{},"policy":"strict-safe-mode"}""",
            $$"""{"session_id":"{{Session}}","tenant":"default","status":"open","pack":{"name":"files-and-processes","version":"1.0.0","digest":"{{Digest}}"},"tools":["fs.write","proc.exec","fs.read","json.get"],"depth":0,"created":"2026-11-25T10:00:00.0000000Z","events":0}""",
            [400, 401, 403, 413, 429]),
        ["listSessions"] = new(
            "List the tenant's sessions, by id, a page at a time (filter by status and pack)",
            null,
            $$"""{"sessions":[{"session_id":"{{Session}}","tenant":"default","status":"succeeded","pack":{"name":"files-and-processes","version":"1.0.0","digest":"{{Digest}}"},"depth":0,"created":"2026-11-25T10:00:00.0000000Z","closed":"2026-11-25T10:01:00.0000000Z","fingerprint":"{{Hash}}","events":9}],"next_after":null}""",
            [400, 401, 403, 429]),
        ["getSession"] = new(
            "Describe one session",
            null,
            $$"""{"session_id":"{{Session}}","tenant":"default","status":"open","pack":{"name":"files-and-processes","version":"1.0.0","digest":"{{Digest}}"},"depth":0,"created":"2026-11-25T10:00:00.0000000Z","events":4}""",
            [401, 403, 404, 429]),
        ["callTool"] = new(
            "Send one tool call: gated by policy then budget, then executed by the runner or recorded with the result the client supplies. A denial is a 200 answer with decision.allowed false. Send Idempotency-Key to make retries safe.",
            """{"tool":"fs.write","input":{"path":"note.txt","content":"hi"},"step":"write"}""",
            $$"""{"decision":{"allowed":true,"effect":"permit","reason":"The pack declares 'fs.write' and grants the permissions it needs.","rules":["reach.declared-tool","reach.declared-permissions"]},"status":"succeeded","output":{"bytes":2,"path":"note.txt"},"seq":4,"hash":"{{Hash}}"}""",
            [400, 401, 403, 404, 409, 413, 422, 429]),
        ["decideToolCall"] = new(
            "Ask what the gates would decide about a call now, recording nothing (for tools the client runs itself)",
            """{"tool":"weather.lookup","input":{"city":"Lisbon"}}""",
            """{"decision":{"allowed":false,"effect":"deny","code":"REACH-2201","reason":"The tool 'http.get' is not declared by the pack 'files-and-processes'; undeclared tools are denied.","rules":["reach.declared-tool"],"gate":"policy"}}""",
            [400, 401, 403, 404, 409, 413, 429]),
        ["spawnSession"] = new(
            "Open a child session whose tools are a subset of the parent's and whose budget is carved out of what the parent has left (reserved until the child closes); a refusal by the spawn limits (403, REACH-4012) or by the parent's budget (403, REACH-4040) is recorded in the parent's transcript",
            """{"tools":["fs.read"],"budget":{"max_tool_calls":5}}""",
            $$"""{"session_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","tenant":"default","status":"open","pack":{"name":"files-and-processes","version":"1.0.0","digest":"{{Digest}}"},"tools":["fs.read"],"parent_id":"{{Session}}","depth":1,"created":"2026-11-25T10:00:05.0000000Z","events":0}""",
            [400, 401, 403, 404, 409, 413, 429]),
        ["closeSession"] = new(
            "Close a session: records run.finished, seals the transcript and returns its fingerprint; a child gives back to its open parent what it did not use of its budget",
            null,
            $$"""{"session_id":"{{Session}}","status":"succeeded","fingerprint":"{{Hash}}","events":9}""",
            [401, 403, 404, 409, 429]),
        ["getSessionTranscript"] = new("Download a session's transcript as JSON Lines, byte for byte what reach verify accepts", null, "", [401, 403, 404, 429]),
        ["getSessionEvents"] = new(
            "Read a session's events after a sequence number, a page at a time; with Accept: text/event-stream, a Server-Sent Events stream that resumes from Last-Event-ID",
            null,
            $$"""{"session_id":"{{Session}}","events":[],"next_after":null}""",
            [400, 401, 403, 404, 429]),
        ["startRun"] = new(
            "Start a run of a named pack with inputs; it runs in the background (202), its events stream as they are committed",
            """{"pack":"hello","inputs":{"name":"Ada"}}""",
            $$"""{"run_id":"{{Session}}","tenant":"default","status":"running","pack":{"name":"hello","version":"1.0.0","digest":"{{Digest}}"},"created":"2026-11-25T10:00:00.0000000Z","events":1}""",
            [400, 401, 403, 413, 429]),
        ["listRuns"] = new(
            "List the tenant's runs, by id, a page at a time (filter by status and pack)",
            null,
            $$"""{"runs":[{"run_id":"{{Session}}","tenant":"default","status":"succeeded","pack":{"name":"hello","version":"1.0.0","digest":"{{Digest}}"},"created":"2026-11-25T10:00:00.0000000Z","finished":"2026-11-25T10:00:00.0100000Z","fingerprint":"{{Hash}}","events":7}],"next_after":null}""",
            [400, 401, 403, 429]),
        ["getRun"] = new(
            "Describe one run",
            null,
            $$"""{"run_id":"{{Session}}","tenant":"default","status":"succeeded","pack":{"name":"hello","version":"1.0.0","digest":"{{Digest}}"},"created":"2026-11-25T10:00:00.0000000Z","finished":"2026-11-25T10:00:00.0100000Z","fingerprint":"{{Hash}}","events":7}""",
            [401, 403, 404, 429]),
        ["getRunEvents"] = new(
            "Read a run's events after a sequence number; with Accept: text/event-stream, a Server-Sent Events stream (id: seq, event: type, data: the canonical event; event: end once sealed) that resumes from Last-Event-ID",
            null,
            $$"""{"run_id":"{{Session}}","events":[],"next_after":null}""",
            [400, 401, 403, 404, 429]),
        ["verifyRun"] = new(
            "Verify a run's stored transcript: hash chain, data digests, seal and fingerprint",
            null,
            $$"""{"ok":true,"events":7,"fingerprint":"{{Hash}}","sealed":true}""",
            [401, 403, 404, 429]),
        ["replayRun"] = new(
            "Replay a finished run against its pack and policy as they are now and name the first divergence",
            null,
            $$"""{"ok":true,"identical":true,"events":7,"recorded_fingerprint":"{{Hash}}","fingerprint":"{{Hash}}"}""",
            [401, 403, 404, 409, 429]),
        ["getRunTranscript"] = new("Download a run's transcript as JSON Lines", null, "", [401, 403, 404, 429]),
        ["listPacks"] = new(
            "List the packs installed for the tenant (scope tenant) and by the operator (scope runner); paths are inside the packs directory",
            null,
            $$"""{"packs":[{"name":"hello","version":"1.0.0","digest":"{{Digest}}","key_id":"RWQ0123456789ABCDEF","registry":"local","path":"hello/1.0.0","scope":"tenant"}]}""",
            [401, 403, 429]),
        ["installPack"] = new(
            "Install a pack from a configured registry for the request's tenant only; its archive, digest and signature are checked before anything is written",
            """{"pack":"hello@1.0.0"}""",
            $$"""{"name":"hello","version":"1.0.0","digest":"{{Digest}}","key_id":"RWQ0123456789ABCDEF","signer":"ada","registry":"local","directory":"hello/1.0.0","already_installed":false}""",
            [400, 401, 403, 413, 422, 429]),
        ["verifyPack"] = new(
            "Verify a named pack offline: its digest and its signature by a trusted key",
            """{"pack":"hello"}""",
            $$"""{"ok":true,"name":"hello","version":"1.0.0","digest":"{{Digest}}","key_id":"RWQ0123456789ABCDEF","signer":"ada"}""",
            [400, 401, 403, 413, 422, 429]),
        ["evaluatePolicy"] = new(
            "Evaluate one call against a policy bundle (the call file format of reach policy explain)",
            """{"bundle":"strict-safe-mode","call":{"tool":"fs.write","input":{"path":"a.txt","content":"x"}}}""",
            """{"allowed":false,"effect":"deny","code":"REACH-3001","reason":"forbid no-writes: writes are not allowed","rules":["no-writes"],"mode":"enforce","bundle":"sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988"}""",
            [400, 401, 403, 413, 429]),
    };

    private static readonly Dictionary<int, (string Description, string Code, string Title)> Errors = new()
    {
        [400] = ("The request is malformed; the problem names the field", "REACH-4001", "The request body is malformed"),
        [401] = ("A valid token is required", "REACH-4014", "A valid token is required"),
        [403] = ("The token belongs to another tenant, or a limit refused the request", "REACH-4015", "The token does not belong to that tenant"),
        [404] = ("No such session or run for this tenant (another tenant's is not found either)", "REACH-4002", "No session with that id"),
        [409] = ("The session is closed (or the run still running)", "REACH-4003", "The session is closed"),
        [413] = ("The request body is larger than max_request_bytes", "REACH-4016", "The request body is too large"),
        [422] = ("The request is well formed but refused (e.g. an Idempotency-Key reused with another body)", "REACH-4011", "The Idempotency-Key was used for another request"),
        [429] = ("Too many requests for this token (REACH-4017), or too many failed authentications from this address (REACH-4022); see Retry-After", "REACH-4017", "Too many requests"),
    };

    public static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Reach runner API",
            Version = "v1",
            Description = "Gate and record the tool calls of agents that are not Reach packs: open a session bound to a pack and a policy, send each call, get the decision and the result back, and download a hash-chained transcript that reach verify proves untouched. Errors are RFC 9457 problem details carrying a Reach error code (docs/ERROR_CODES.md). The tenant is the token's, or the X-Tenant-ID header's, or 'default'.",
            License = new OpenApiLicense { Name = "Apache-2.0", Identifier = "Apache-2.0" },
        };
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "health", Description = "Liveness, readiness and version" },
            new() { Name = "sessions", Description = "Agent sessions: gated, recorded tool calls over HTTP" },
            new() { Name = "runs", Description = "Pack runs started over HTTP, their events, verification and replay" },
            new() { Name = "packs", Description = "Installed packs, installing from a registry, verifying signatures" },
            new() { Name = "policies", Description = "Evaluating a call against a policy bundle" },
            new() { Name = "features", Description = "The effective feature flags" },
        };
        document.Servers = [new OpenApiServer { Url = "http://127.0.0.1:8787", Description = "reach serve on its default address" }];
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();

        // Every endpoint but the anonymous ones (health, readiness, this document, /docs) takes a Reach token; a runner
        // started without --require-token also answers requests without one, hence the empty alternative.
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            ["reachToken"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A Reach token from 'reach token create' (reach_…), or with enable_sso an OpenID Connect access token. Required on every endpoint when the runner runs with --require-token or on a non-loopback address.",
            },
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("reachToken", document)] = [] }, new OpenApiSecurityRequirement()];
        static OpenApiSchema Of(JsonSchemaType type, string description) => new() { Type = type, Description = description };
        foreach (var schema in document.Components.Schemas.Values)
        {
            OptionalWhenNullable(schema);
        }

        document.Components.Schemas["Problem"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem: every error the runner answers, with the Reach error code and its fix.",
            Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status", "code", "fix" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Of(JsonSchemaType.String, "urn:reach:error:<code>"),
                ["title"] = Of(JsonSchemaType.String, "The error's title in the catalogue"),
                ["status"] = Of(JsonSchemaType.Integer, "The HTTP status"),
                ["detail"] = Of(JsonSchemaType.String, "What went wrong this time"),
                ["code"] = Of(JsonSchemaType.String, "The Reach error code, e.g. REACH-4001 (docs/ERROR_CODES.md)"),
                ["fix"] = Of(JsonSchemaType.String, "What to do about it"),
                ["field"] = Of(JsonSchemaType.String, "The request field at fault, when there is one"),
            },
        };
        return Task.CompletedTask;
    }

    /// <summary>
    /// The API leaves null members out of its answers (and accepts them left out of requests), so a member whose
    /// schema admits null is not required, whatever the record's constructor says.
    /// </summary>
    // A request body requires exactly the members its record marks [JsonRequired] (the reader refuses a body without
    // them); nested objects are checked by the endpoint, which names the bad field (REACH-4001), so their members are
    // described as optional.
    private static OpenApiSchema Required(OpenApiSchema schema, Type body)
    {
        schema.Required = new HashSet<string>(RunnerJsonContext.RequiredOf(RunnerJsonContext.Api.GetTypeInfo(body) ?? throw new InvalidOperationException($"{body.Name} is not in the API contract.")).Select(p => p.Name), StringComparer.Ordinal);
        foreach (var property in schema.Properties?.Values ?? [])
        {
            Lenient(property);
        }

        return schema;

        static void Lenient(IOpenApiSchema nested)
        {
            nested.Required?.Clear();
            foreach (var inner in nested.Properties?.Values ?? [])
            {
                Lenient(inner);
            }
        }
    }

    private static void OptionalWhenNullable(IOpenApiSchema schema)
    {
        if (schema.Properties is not { Count: > 0 } properties || schema.Required is not { Count: > 0 } required)
        {
            return;
        }

        foreach (var (name, property) in properties)
        {
            var nullable = (property.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                || (property.OneOf?.Any(s => s.Type is { } t && t.HasFlag(JsonSchemaType.Null)) ?? false)
                || (property.AnyOf?.Any(s => s.Type is { } t && t.HasFlag(JsonSchemaType.Null)) ?? false);
            if (nullable)
            {
                required.Remove(name);
            }
        }
    }

    /// <summary>A member bound as any JSON but that is a name or an object (<see cref="StringOrObjectAttribute"/>) says so.</summary>
    public static Task DescribeSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(StringOrObjectAttribute), inherit: false).OfType<StringOrObjectAttribute>().FirstOrDefault() is { } shape)
        {
            schema.Description = shape.Description;
            schema.OneOf = [new OpenApiSchema { Type = JsonSchemaType.String }, new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema() }];
        }

        return Task.CompletedTask;
    }

    public static async Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId is not { } id || !Operations.TryGetValue(id, out var described))
        {
            return;
        }

        operation.Summary = described.Summary;
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
        {
            operation.Security = [];
        }

        // The JSON body an endpoint reads itself (see RequestBody), described without constraining routing.
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBody>().FirstOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new OpenApiMediaType { Schema = Required(await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken).ConfigureAwait(false), body.Type) },
                },
            };
        }

        if (described.Request is { } request && operation.RequestBody?.Content is { } requestContent)
        {
            foreach (var media in requestContent.Values.OfType<OpenApiMediaType>())
            {
                media.Example = JsonNode.Parse(request);
            }
        }

        if (described.Response.Length > 0 && operation.Responses is { } responses)
        {
            foreach (var response in responses.Where(r => r.Key.StartsWith('2')).Select(r => r.Value))
            {
                foreach (var media in (response.Content ?? new Dictionary<string, OpenApiMediaType>()).Where(m => m.Key == "application/json").Select(m => m.Value).OfType<OpenApiMediaType>())
                {
                    media.Example = JsonNode.Parse(described.Response);
                }
            }
        }

        operation.Responses ??= [];
        foreach (var status in described.Errors)
        {
            var (description, code, title) = Errors[status];
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchemaReference("Problem", context.Document),
                        Example = new JsonObject
                        {
                            ["type"] = "urn:reach:error:" + code,
                            ["title"] = title,
                            ["status"] = status,
                            ["detail"] = description + ".",
                            ["code"] = code,
                            ["fix"] = Core.Errors.ErrorCatalog.All.First(e => e.Code == code).Fix,
                        },
                    },
                },
            };
        }
    }
}

/// <summary>
/// Names the JSON body an endpoint reads (for the OpenAPI document). Not <c>Accepts&lt;T&gt;</c>: that metadata also
/// makes routing refuse any other Content-Type, and the runner reads JSON whatever the client labels it (curl -d).
/// </summary>
internal sealed record RequestBody(Type Type);
