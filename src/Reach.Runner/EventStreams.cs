using System.Diagnostics;
using System.Globalization;
using Reach.Core.Errors;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>Wakes event streams when any transcript line is committed in this runner.</summary>
internal sealed class CommitSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes the current wait and arms the next.</summary>
    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for the next commit, at most <paramref name="timeout"/> (a line committed by another runner on the same database wakes no one here).</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _next).Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Poll the store again.
        }
    }
}

/// <summary>A session's or run's events: a JSON page, or a Server-Sent Events stream that resumes from <c>Last-Event-ID</c>.</summary>
internal static class EventStreams
{
    /// <summary>How long a stream may stay silent before a keep-alive comment is sent.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Answers <c>GET …/{id}/events</c>: with <c>Accept: text/event-stream</c> a stream (each event <c>id: seq</c>,
    /// <c>event: type</c>, <c>data: the canonical event</c>, then <c>event: end</c> once the transcript is sealed),
    /// else a page <c>{idMember, events, next_after}</c>.
    /// </summary>
    public static async Task<IResult> AnswerAsync(HttpContext context, IRunnerStore store, CommitSignal signal, string tenant, string id, string kind, string idMember, ErrorCode notFound)
    {
        var request = context.Request;
        var stored = await store.GetSessionAsync(tenant, id, context.RequestAborted).ConfigureAwait(false);
        if (stored is null || stored.Kind != kind)
        {
            throw new ReachException(notFound, $"No {kind} '{id}' for tenant '{tenant}'.");
        }

        var after = ApiRequests.QueryInteger(request, "after", -1, -1, long.MaxValue);
        if (request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            var last = request.Headers["Last-Event-ID"].ToString();
            if (last.Length > 0)
            {
                after = long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                    ? seq
                    : throw new ReachException(ErrorCatalog.RunnerRequestInvalid, "The Last-Event-ID header must be an event's sequence number.") { Details = ApiRequests.Field("Last-Event-ID") };
            }

            await StreamAsync(context, store, signal, tenant, id, after).ConfigureAwait(false);
            return TypedResults.Empty;
        }

        var limit = (int)ApiRequests.QueryInteger(request, "limit", ApiRequests.DefaultLimit, 1, ApiRequests.MaxLimit);
        var events = await store.ReadEventsAsync(tenant, id, after, limit, context.RequestAborted).ConfigureAwait(false) ?? [];
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString(idMember, id);
            writer.WriteStartArray("events");
            foreach (var e in events)
            {
                // Each event is embedded as the canonical object the writer produced (its line without the newline).
                writer.WriteRawValue(e.Line.AsSpan(0, e.Line.Length - 1), skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (events.Count == limit)
            {
                writer.WriteNumber("next_after", events[^1].Seq);
            }
            else
            {
                writer.WriteNull("next_after");
            }

            writer.WriteEndObject();
        }

        return TypedResults.Bytes(body.ToArray(), "application/json");
    }

    private static async Task StreamAsync(HttpContext context, IRunnerStore store, CommitSignal signal, string tenant, string id, long after)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(aborted).ConfigureAwait(false);
        var lastWrite = Stopwatch.GetTimestamp();
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                // Read the status before the page: a session sealed after this read still has its last events read below.
                var wait = signal.WaitAsync(TimeSpan.FromSeconds(1), aborted);
                var status = (await store.GetSessionAsync(tenant, id, aborted).ConfigureAwait(false))!;
                var events = await store.ReadEventsAsync(tenant, id, after, ApiRequests.MaxLimit, aborted).ConfigureAwait(false) ?? [];
                foreach (var e in events)
                {
                    await WriteAsync(response, e.Seq.ToString(CultureInfo.InvariantCulture), EventType(e.Line), e.Line.AsMemory(0, e.Line.Length - 1), aborted).ConfigureAwait(false);
                    after = e.Seq;
                }

                if (events.Count > 0)
                {
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    lastWrite = Stopwatch.GetTimestamp();
                    continue;
                }

                if (status.Status != StoredSession.Open)
                {
                    var end = JsonSerializer.SerializeToUtf8Bytes(new { status = status.Status, fingerprint = status.Fingerprint, events = status.Events });
                    await WriteAsync(response, null, "end", end, aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    return;
                }

                await wait.ConfigureAwait(false);
                if (Stopwatch.GetElapsedTime(lastWrite) >= KeepAlive)
                {
                    // A comment line: clients ignore it, proxies see the stream is alive.
                    await response.Body.WriteAsync(": keep-alive\n\n"u8.ToArray(), aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    lastWrite = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away; it resumes with Last-Event-ID.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string? id, string type, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var head = (id is null ? string.Empty : "id: " + id + "\n") + "event: " + type + "\ndata: ";
        await response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(head), cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    // An event line ends with ..."type":"X"} (members in canonical order: type is last); a type never holds an escape.
    private static string EventType(byte[] line)
    {
        var span = line.AsSpan();
        var at = span.LastIndexOf("\"type\":\""u8);
        if (at < 0)
        {
            return "message";
        }

        var rest = span[(at + 8)..];
        var end = rest.IndexOf((byte)'"');
        return end > 0 ? System.Text.Encoding.UTF8.GetString(rest[..end]) : "message";
    }
}
