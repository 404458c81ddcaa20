using System.Threading.Channels;

namespace Reach.Runner.Storage;

/// <summary>
/// Group commit: every session's pending event lines go through one queue, and a single loop writes whatever has
/// gathered in one store transaction, then wakes each waiter. Concurrent sessions share a commit instead of queueing
/// for one each (SQLite serializes writers anyway), and a call is still answered only after its own lines committed.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    /// <summary>The most appends one transaction takes.</summary>
    public const int MaxBatch = 512;

    private readonly IRunnerStore _store;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public GroupCommitter(IRunnerStore store)
    {
        _store = store;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Commits <paramref name="append"/> with whatever else is waiting; false when the store refused it (no such open session, or a sequence number taken).</summary>
    public Task<bool> AppendAsync(EventAppend append)
    {
        var pending = new Pending(append, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Done.SetException(new ObjectDisposedException(nameof(GroupCommitter)));
        }

        return pending.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                var results = await _store.AppendEventsAsync([.. batch.Select(p => p.Append)], CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // Whatever the store throws belongs to every waiter of this batch; the loop goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed record Pending(EventAppend Append, TaskCompletionSource<bool> Done);
}
