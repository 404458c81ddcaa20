using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Reach.Runner.Tests;

/// <summary>What a runner logs, line by line, to read in a test (<see cref="RunnerOptions.LogSink"/>).</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One line: its category, level, event id, text, and the exception passed with it.</summary>
    internal sealed record LogLine(string Category, LogLevel Level, EventId Event, string Text, Exception? Exception);

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
