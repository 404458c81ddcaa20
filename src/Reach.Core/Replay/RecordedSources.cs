using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts.Events;

namespace Reach.Core.Replay;

/// <summary>A clock that returns the recorded readings, in order.</summary>
internal sealed class RecordedClock : TimeProvider
{
    private readonly Queue<DateTimeOffset> _readings;
    private DateTimeOffset _last;

    public RecordedClock(IEnumerable<DateTimeOffset> readings)
    {
        _readings = new Queue<DateTimeOffset>(readings);
        _last = _readings.Count > 0 ? _readings.Peek() : DateTimeOffset.UnixEpoch;
    }

    public override DateTimeOffset GetUtcNow()
    {
        if (_readings.TryDequeue(out var next))
        {
            _last = next;
        }

        return _last;
    }
}

/// <summary>Randomness that returns the recorded bytes (run id, then each event's salt) and zeros past them.</summary>
internal sealed class RecordedRandom : IRandomSource
{
    private readonly byte[] _bytes;
    private int _position;

    public RecordedRandom(byte[] bytes)
    {
        _bytes = bytes;
    }

    public void Fill(Span<byte> destination)
    {
        var available = Math.Max(0, Math.Min(destination.Length, _bytes.Length - _position));
        _bytes.AsSpan(_position, available).CopyTo(destination);
        destination[available..].Clear();
        _position += available;
    }
}

/// <summary>Feeds the recorded results of side-effecting tools back instead of running them.</summary>
internal sealed class RecordedEffects : IEffectSource
{
    private readonly List<RecordedEvent> _results;
    private int _next;

    public RecordedEffects(List<RecordedEvent> results)
    {
        _results = results;
    }

    /// <summary>How many recorded results were not asked for.</summary>
    public int Unconsumed => _results.Count - _next;

    /// <summary>The first recorded result not asked for.</summary>
    public RecordedEvent? FirstUnconsumed => _next < _results.Count ? _results[_next] : null;

    public ValueTask<ToolOutcome> ExecuteAsync(ITool tool, string? stepId, JsonElement input, ToolDeclaration? declaration, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Next(tool, stepId));

    private ToolOutcome Next(ITool tool, string? stepId)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (_next >= _results.Count)
        {
            return ToolOutcome.Failure(ErrorCatalog.ReplayDiverged, $"Replay: no recorded result is left for {tool.Name} at step '{stepId}'.");
        }

        var recorded = _results[_next];
        var read = TranscriptEvents.Read(recorded.Type, recorded.Data!.Value);
        var (recordedStep, recordedTool) = read switch
        {
            ToolResultEvent result => (result.Step, result.Tool),
            ToolErrorEvent error => (error.Step, error.Tool),
            _ => throw new InvalidOperationException("A fed effect is a tool.result or a tool.error."),
        };
        if (recordedStep != stepId || recordedTool != tool.Name)
        {
            return ToolOutcome.Failure(ErrorCatalog.ReplayDiverged, $"Replay: the next recorded result is for {recordedTool} at step '{recordedStep}', not {tool.Name} at step '{stepId}'.");
        }

        _next++;
        return read is ToolErrorEvent failed
            ? ToolOutcome.Failure(ErrorCatalog.Find(failed.Code) ?? ErrorCatalog.ToolFailed, failed.Message)
            : ToolOutcome.Success(((ToolResultEvent)read).Output);
    }
}
