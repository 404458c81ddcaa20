using System.Security.Cryptography;
using Reach.Core;
using Reach.Core.Hashing;
using Reach.Core.Transcripts;

namespace Reach.Runner;

/// <summary>
/// The compliance log (<c>enable_compliance_logs</c>): every mutating request (tenant, caller, action, target, status)
/// as one event of a transcript in Reach's own format, so <c>reach verify</c> and <c>tools/verify_transcript.py</c>
/// check it exactly as they check a run. One file per runner start under <c>REACH_HOME/audit/</c>, sealed at shutdown;
/// append-only (each line is written and flushed once, never rewritten).
/// </summary>
internal sealed class ComplianceLog : IDisposable
{
    /// <summary>The event type of one audited request.</summary>
    public const string EventType = "audit.request";

    private readonly Lock _gate = new();
    private readonly FileStream _file;
    private readonly TranscriptWriter _writer;
    private readonly TimeProvider _clock;
    private bool _sealed;

    public ComplianceLog(string home, TimeProvider clock)
    {
        _clock = clock;
        var directory = System.IO.Path.Combine(home, "audit");
        Directory.CreateDirectory(directory);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Path = System.IO.Path.Combine(directory, $"{clock.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{id[..8]}.jsonl");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        var header = new TranscriptHeader
        {
            RunId = id,
            PackName = "reach.audit",
            PackVersion = "1",
            PackDigest = Sha256Digest.Empty,
            InputsDigest = Sha256Digest.Compute("{}"u8),
            PolicyDigest = Sha256Digest.Empty,
        };
        _writer = new TranscriptWriter(_file, header, SystemRandomSource.Instance);
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Records one request after it was answered.</summary>
    public void Record(string tenant, string? caller, string action, string? target, int status)
    {
        var now = _clock.GetUtcNow();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("action", action);
            w.WriteString("at", Reach.Core.Engine.RunSession.Timestamp(now));
            if (caller is null)
            {
                w.WriteNull("caller");
            }
            else
            {
                w.WriteString("caller", caller);
            }

            w.WriteNumber("status", status);
            if (target is null)
            {
                w.WriteNull("target");
            }
            else
            {
                w.WriteString("target", target);
            }

            w.WriteString("tenant", tenant);
            w.WriteEndObject();
        }

        lock (_gate)
        {
            if (!_sealed)
            {
                _writer.Append(EventType, buffer.ToArray());
            }
        }
    }

    /// <summary>
    /// The middleware: audits every request but GET, HEAD, OPTIONS and TRACE once it is answered, whatever its path:
    /// matched or not, refused or not. It names the route the router chose, so every spelling of a path is one action.
    /// </summary>
    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Request;
        var audited = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method) && !HttpMethods.IsTrace(request.Method);

        // Read before the request runs: the exception handler clears the endpoint and route values of a request that threw.
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? request.Path.Value ?? string.Empty;
        var id = context.GetRouteValue("id") as string;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (audited)
            {
                string tenant;
                try
                {
                    tenant = Tenants.Of(request);
                }
                catch (Core.Errors.ReachException)
                {
                    tenant = "(invalid)";
                }

                Record(tenant, Tenants.CallerOf(context), $"{request.Method} {route}", id, context.Response.StatusCode);
            }
        }
    }

    /// <summary>Seals the log (at shutdown); nothing is recorded after.</summary>
    public void Seal()
    {
        lock (_gate)
        {
            if (!_sealed)
            {
                _writer.Seal();
                _sealed = true;
                _file.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Seal();
        _writer.Dispose();
    }
}
