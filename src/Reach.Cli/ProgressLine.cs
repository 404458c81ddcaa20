using System.Diagnostics;

namespace Reach.Cli;

/// <summary>
/// Says on stderr that a slow operation is under way (starting a server, cloning a registry), in plain characters so
/// it shows without colors: the line at once, a dot each second on a terminal, and how long it took at the end. Never
/// under --json or --quiet, and never on stdout.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private readonly TextWriter? _error;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer? _dots;
    private readonly Lock _gate = new();
    private bool _done;
    private bool _succeeded;

    public ProgressLine(CommandContext context, string what)
    {
        if (!context.Human)
        {
            return;
        }

        _error = context.Environment.Error;
        if (context.Environment.Interactive)
        {
            _error.Write($"{what} …");
            _dots = new Timer(_ => Dot(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
        else
        {
            _error.WriteLine($"{what} …");
        }
    }

    /// <summary>Marks the operation as done; disposing without it says it stopped (the error follows).</summary>
    public void Succeeded() => _succeeded = true;

    public void Dispose()
    {
        _dots?.Dispose();
        lock (_gate)
        {
            if (_error is null || _done)
            {
                return;
            }

            _done = true;
            var took = string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds:F1} s");
            var outcome = _succeeded ? $"done in {took}" : $"stopped after {took}";
            _error.WriteLine(_dots is null ? "  " + outcome : " " + outcome);
        }
    }

    private void Dot()
    {
        lock (_gate)
        {
            if (!_done)
            {
                _error?.Write('.');
            }
        }
    }
}
