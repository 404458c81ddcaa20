namespace Reach.Runner;

/// <summary>How a runner starts: where REACH_HOME is and which addresses it binds.</summary>
internal sealed record RunnerOptions
{
    /// <summary>The default address: loopback only.</summary>
    public const string DefaultUrls = Reach.Configuration.ReachConfig.DefaultListen;

    /// <summary>REACH_HOME: transcripts go to <c>runs/</c>, each tenant's workspaces and installs to <c>tenants/&lt;tenant&gt;/</c>.</summary>
    public required string Home { get; init; }

    /// <summary>The addresses to bind, separated by ';'. Port 0 picks a free port.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>
    /// Where sessions and transcript lines are persisted; owned (opened and disposed) by whoever starts the runner
    /// (<c>reach serve</c> passes SQLite or PostgreSQL; tests and benchmarks pass theirs). There is no default: a runner
    /// that silently kept its sessions in memory would lose them at its restart.
    /// </summary>
    public required IRunnerStore Store { get; init; }

    /// <summary>The configuration; null: read from <see cref="Home"/> and the environment when the host is built.</summary>
    public ReachConfig? Config { get; init; }

    /// <summary>Require a token on every request even on loopback (<c>--require-token</c>); also <c>require_token</c> in config.json.</summary>
    public bool RequireToken { get; init; }

    /// <summary>Pack directories besides the configured <c>pack_directories</c> (<c>reach serve --pack-dir</c>).</summary>
    public IReadOnlyList<string> PackDirectories { get; init; } = [];

    /// <summary>Policy directories besides the configured <c>policy_directories</c> (<c>reach serve --policy-dir</c>).</summary>
    public IReadOnlyList<string> PolicyDirectories { get; init; } = [];

    /// <summary>The runner's clock (tests inject a fake one).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The lowest level logged to the console.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>A log destination besides the console (tests read what the runner logs); null: the console alone.</summary>
    public ILoggerProvider? LogSink { get; init; }
}
