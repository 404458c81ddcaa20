using System.Runtime.InteropServices;

namespace Reach.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM as a cancellation token for a command that runs a pack: the run stops where it is and
/// its transcript is sealed as interrupted (REACH-2240) instead of the process dying mid-write. Through
/// <see cref="PosixSignalRegistration"/>, not the parser's handler or <c>Console.CancelKeyPress</c>, which set a
/// terminal up for key reading (and write an escape sequence to it).
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public Interruption(CancellationToken parent)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(parent);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    /// <summary>Cancelled on the first signal; a second one is the operating system's default (the process ends).</summary>
    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _source.Dispose();
    }

    private void Stop(PosixSignalContext signal)
    {
        if (!_source.IsCancellationRequested)
        {
            signal.Cancel = true;
            _source.Cancel();
        }
    }
}
