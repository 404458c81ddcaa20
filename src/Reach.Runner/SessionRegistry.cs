using System.Collections.Concurrent;
using Reach.Core.Engine;
using Reach.Core.Errors;
using Reach.Core.Gates;
using Reach.Core.Packs;
using Reach.Core.Tools;
using Reach.Core.Transcripts;
using Reach.Policy;
using Reach.Policy.Compilation;
using Reach.Configuration;
using Reach.Runner.Storage;

namespace Reach.Runner;

/// <summary>
/// The open sessions, held in memory and keyed by tenant and id; every session and transcript line is also persisted
/// through the <see cref="IRunnerStore"/>, which serves reads. After a restart an open session is resumed from the
/// store on its next request. A session of one tenant does not exist for another.
/// </summary>
internal sealed class SessionRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), RunnerSession> _sessions = new();

    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _resuming = new(1, 1);

    public SessionRegistry(string home, IRunnerStore store, ReachConfig config, TimeProvider? clock = null, PackSources? sources = null)
    {
        Home = home;
        Sources = sources ?? new PackSources(home, config.PackDirectories.Value, config.PolicyDirectories.Value);
        Store = store;
        Config = config;
        _clock = clock ?? TimeProvider.System;
        Committer = new GroupCommitter(store);
    }

    /// <summary>Commits every session's event lines, in shared transactions.</summary>
    public GroupCommitter Committer { get; }

    public string Home { get; }

    public IRunnerStore Store { get; }

    /// <summary>Where the packs and policies clients name are found, and each tenant's root.</summary>
    public PackSources Sources { get; }

    public ReachConfig Config { get; }

    public string Runs => Path.Combine(Home, "runs");

    public string TranscriptPath(string id) => Path.Combine(Runs, id + ".jsonl");

    /// <summary>How many sessions are open in this runner.</summary>
    public int OpenCount => _sessions.Count;

    /// <summary>
    /// Loads the pack a client names (or sends inline, of client-run tools only), refuses it unsigned when
    /// <c>require_signed</c> is on, compiles the policy bundle it names or sends, checks the inputs; nothing is
    /// written yet. No answer carries a server path: errors name the pack and policy as the client gave them.
    /// </summary>
    public SessionSetup Prepare(string tenant, JsonElement? pack, JsonElement? inputs, JsonElement? policy, string? policyMode)
    {
        var (directory, shownAs) = pack switch
        {
            { ValueKind: JsonValueKind.String } name when name.GetString() is { Length: > 0 } text => (Sources.ResolvePack(tenant, text), text),
            { ValueKind: JsonValueKind.Object } manifest => (Sources.WriteInlinePack(tenant, manifest), "inline"),
            _ => throw ApiRequests.Invalid("pack", "a non-empty string (NAME or NAME@VERSION) or an inline pack manifest"),
        };
        if (Config.RequireSigned.Value)
        {
            Sources.RequireSigned(directory);
        }

        var (loaded, tools) = Load(directory, shownAs);
        var resolved = RunInputs.Resolve(loaded.Manifest, inputs);
        if (policy is null)
        {
            return new SessionSetup(loaded, tools, DeclaredToolsPolicyGate.Instance, null, null, resolved);
        }

        var mode = PolicyModes.Parse(policyMode ?? Config.PolicyMode.Value);
        var (bundle, reference) = Sources.ResolvePolicy(tenant, policy.Value, "policy");
        return new SessionSetup(loaded, tools, new PolicyGate(bundle, mode), reference, PolicyModes.Name(mode), resolved);
    }

    /// <summary>
    /// The setup of a stored session or run (to resume or replay it): the pack directory the runner resolved when it
    /// was opened, and the policy it recorded.
    /// </summary>
    public SessionSetup PrepareRecorded(string tenant, string packDirectory, JsonElement? inputs, string? policy)
    {
        var (loaded, tools) = Load(packDirectory, "recorded");
        var resolved = RunInputs.Resolve(loaded.Manifest, inputs);
        if (policy is null)
        {
            return new SessionSetup(loaded, tools, DeclaredToolsPolicyGate.Instance, null, null, resolved);
        }

        var mode = PolicyModes.Parse(Config.PolicyMode.Value);
        return new SessionSetup(loaded, tools, new PolicyGate(Sources.LoadRecordedPolicy(tenant, policy), mode), policy, PolicyModes.Name(mode), resolved);
    }

    // The loader's errors name the pack as the client gave it, not the directory the runner found it in.
    private static (LoadedPack Pack, ToolRegistry Tools) Load(string directory, string shownAs)
    {
        try
        {
            return ClientTools.LoadPack(directory);
        }
        catch (ReachException ex)
        {
            var message = ex.Message.Replace(Path.GetFullPath(directory), "pack '" + shownAs + "'", StringComparison.Ordinal).Replace(directory, "pack '" + shownAs + "'", StringComparison.Ordinal);
            throw new ReachException(ex.Error, message) { Details = ex.Details };
        }
    }

    /// <summary>Opens a session: draws the run id and commits the header and <c>run.started</c> to the store.</summary>
    public async Task<RunnerSession> OpenAsync(string tenant, SessionSetup setup)
    {
        var session = Create(tenant, setup);
        try
        {
            await session.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        _sessions[(tenant, session.Id)] = session;
        return session;
    }

    /// <summary>
    /// Opens a child of the tenant's open session, narrowed to <paramref name="tools"/> (null: all of the parent's) and
    /// with a budget carved out of what the parent has left (<paramref name="budgets"/> names the limits it asks for;
    /// those it does not name are all the parent has left). The spawn limits apply unless <c>enable_unlimited_spawns</c>
    /// is on; a refusal by them (REACH-4012) or by the parent's budget (REACH-4040) is recorded in the parent's
    /// transcript before it is answered.
    /// </summary>
    public async Task<RunnerSession> SpawnAsync(string tenant, string parentId, IReadOnlyList<string>? tools, Budgets? budgets, CancellationToken cancellationToken)
    {
        var parent = await GetAsync(tenant, parentId, cancellationToken).ConfigureAwait(false);
        var declared = parent.Pack.Manifest.Tools;
        var names = tools ?? [.. declared.Select(t => t.Name)];
        var missing = names.Where(n => declared.All(t => t.Name != n)).ToList();
        if (missing.Count > 0)
        {
            throw new ReachException(ErrorCatalog.RunnerSpawnNotSubset, $"The parent session '{parentId}' does not declare {string.Join(", ", missing.Select(n => $"'{n}'"))}; a child can only narrow its parent's tools.") { Details = Field("tools") };
        }

        CheckNarrows(parent.Pack.Manifest.Budgets, budgets);
        var limits = Config.IsEnabled(FeatureFlag.UnlimitedSpawns) ? null : new SpawnLimits(Config.SpawnMaxDepth.Value, Config.SpawnMaxChildren.Value);
        var child = await parent.SpawnAsync(names, budgets, limits, (depth, budget) =>
        {
            var manifest = parent.Pack.Manifest with { Tools = [.. declared.Where(t => names.Contains(t.Name, StringComparer.Ordinal))], Budgets = budget.Child! };
            return Create(tenant, parent.Setup with { Pack = parent.Pack with { Manifest = manifest }, ParentId = parentId, Depth = depth }, budget.At);
        }).ConfigureAwait(false);
        _sessions[(tenant, child.Id)] = child;
        return child;
    }

    // A session whose header and run.started are written but not yet committed (StartAsync commits them).
    private RunnerSession Create(string tenant, SessionSetup setup, DateTimeOffset? startedAt = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var (template, transcript) = Template(tenant, setup, StoredSession.SessionKind);
        var core = new RunSession(template.For(setup.Pack, setup.Inputs) with { StartedAt = startedAt });
        var stream = transcript();
        return new RunnerSession(tenant, core, setup, stream, Store, _clock, created: stream.Session.Created);
    }

    /// <summary>The tool names of the tenant's session when this runner holds it open, else null.</summary>
    public IReadOnlyList<string>? OpenTools(string tenant, string id) =>
        _sessions.TryGetValue((tenant, id), out var session) ? [.. session.Pack.Manifest.Tools.Select(t => t.Name)] : null;

    /// <summary>The tenant's open session with that id; REACH-4002 (404) when the tenant has none.</summary>
    public async Task<RunnerSession> GetAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue((tenant, id), out var session))
        {
            if (!session.Broken)
            {
                return session;
            }

            // A failed commit left Core ahead of the store: forget this object and resume from what the store holds.
            _sessions.TryRemove(KeyValuePair.Create((tenant, id), session));
        }

        // Closed sessions live on only in the store; an open one left by a runner that has since stopped is resumed.
        var stored = await Store.GetSessionAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Kind != StoredSession.SessionKind)
        {
            throw NotFound(tenant, id);
        }

        if (stored.Status != StoredSession.Open)
        {
            throw new ReachException(ErrorCatalog.RunnerSessionClosed, $"The session '{id}' is closed; its transcript is sealed.");
        }

        await _resuming.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _sessions.TryGetValue((tenant, id), out var resumed) && !resumed.Broken ? resumed : await ResumeAsync(tenant, stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _resuming.Release();
        }
    }

    /// <summary>
    /// Takes up a session a stopped runner left open: its transcript is read back from the store, the file beside it
    /// rewritten from those bytes, and Core rebuilds the chain, Merkle tree and budget ledger from the events.
    /// </summary>
    private async Task<RunnerSession> ResumeAsync(string tenant, StoredSession stored, CancellationToken cancellationToken)
    {
        var bytes = await Store.ReadTranscriptAsync(tenant, stored.Id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(tenant, stored.Id);
        var setup = PrepareRecorded(tenant, stored.PackDirectory, SpawnRecords.StartedInputs(bytes), stored.Policy) with { ParentId = stored.ParentId, Depth = stored.Depth };
        if (stored.ParentId is { } parentId)
        {
            setup = await NarrowedAsChildAsync(tenant, stored.Id, parentId, setup, bytes, cancellationToken).ConfigureAwait(false);
        }

        var (template, transcript) = Template(tenant, setup, StoredSession.SessionKind, resumed: new ResumePoint(stored.Created, stored.Events + 1));

        // The file beside the store carries on from exactly what the store holds (a killed runner may have written less).
        await File.WriteAllBytesAsync(TranscriptPath(stored.Id), bytes, cancellationToken).ConfigureAwait(false);
        var core = RunSession.Resume(template.For(setup.Pack, setup.Inputs), bytes);
        var session = new RunnerSession(tenant, core, setup, transcript(), Store, _clock, core.Calls, stored.Created);
        session.Preload(await Store.ReadAnswersAsync(tenant, stored.Id, cancellationToken).ConfigureAwait(false));
        await ReconcileChildrenAsync(tenant, session, cancellationToken).ConfigureAwait(false);
        _sessions[(tenant, stored.Id)] = session;
        return session;
    }

    // A resumed child is held to what it was spawned with, not to its pack: the budget its run.started recorded and
    // the tools its parent's session.spawn named. Without them it is not resumed rather than widened.
    private async Task<SessionSetup> NarrowedAsChildAsync(string tenant, string id, string parentId, SessionSetup setup, byte[] transcript, CancellationToken cancellationToken)
    {
        var parent = await Store.ReadTranscriptAsync(tenant, parentId, cancellationToken).ConfigureAwait(false);
        var tools = parent is null ? null : SpawnRecords.SpawnedTools(parent, id);
        var budgets = SpawnRecords.StartedBudgets(transcript);
        if (tools is null || budgets is null)
        {
            throw new ReachException(ErrorCatalog.SessionNotResumable, $"The session '{id}' is a child of '{parentId}', whose transcript does not record the spawn it was opened with.");
        }

        var manifest = setup.Pack.Manifest with { Tools = [.. setup.Pack.Manifest.Tools.Where(t => tools.Contains(t.Name, StringComparer.Ordinal))], Budgets = budgets };
        return setup with { Pack = setup.Pack with { Manifest = manifest } };
    }

    /// <summary>Closes the tenant's open session and forgets it here: from now on the store answers for it.</summary>
    public async Task<RunResult> CloseAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var session = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var result = await session.CloseAsync().ConfigureAwait(false);
        _sessions.TryRemove((tenant, id), out _);
        session.Dispose();
        if (session.Setup.ParentId is { } parentId)
        {
            await ReturnToParentAsync(tenant, parentId, id, result.Usage, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    // A closed child gives back to its open parent what it did not use. A parent that closed first takes nothing back;
    // one this runner cannot reach now takes it back when it is next resumed (ReconcileChildrenAsync).
    private async Task ReturnToParentAsync(string tenant, string parentId, string childId, BudgetUsage used, CancellationToken cancellationToken)
    {
        RunnerSession parent;
        try
        {
            parent = await GetAsync(tenant, parentId, cancellationToken).ConfigureAwait(false);
        }
        catch (ReachException ex) when (ex.Error == ErrorCatalog.RunnerSessionClosed || ex.Error == ErrorCatalog.RunnerSessionNotFound)
        {
            return;
        }

        await parent.ReturnChildAsync(childId, used).ConfigureAwait(false);
    }

    // On resume, a parent takes back the unused budget of children that closed while it could not be told (a runner
    // stopped between the child's close and the parent's session.return): their usage is in their run.finished.
    private async Task ReconcileChildrenAsync(string tenant, RunnerSession parent, CancellationToken cancellationToken)
    {
        foreach (var childId in parent.OpenChildren)
        {
            var stored = await Store.GetSessionAsync(tenant, childId, cancellationToken).ConfigureAwait(false);
            if (stored is null || stored.Status == StoredSession.Open)
            {
                continue;
            }

            var bytes = await Store.ReadTranscriptAsync(tenant, childId, cancellationToken).ConfigureAwait(false);
            if (bytes is not null && SpawnRecords.FinishedUsage(bytes) is { } used)
            {
                await parent.ReturnChildAsync(childId, used).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The tenant's stored session with that id (open or closed); REACH-4002 (404) when the tenant has none.</summary>
    public async Task<StoredSession> FindStoredAsync(string tenant, string id, CancellationToken cancellationToken) =>
        await Store.GetSessionAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { Kind: StoredSession.SessionKind } stored ? stored : throw NotFound(tenant, id);

    /// <summary>
    /// The session options template for a session or run of <paramref name="kind"/>: the transcript goes through the
    /// store (then the file beside it), side effects into the session's workspace.
    /// </summary>
    /// <remarks>With <paramref name="resumed"/>, the session's header and events are in the store already: the stream
    /// appends to the transcript file (rewritten from the store) and counts the stored lines instead of creating the row.</remarks>
    public (SessionOptionsTemplate Template, Func<StoredTranscriptStream> Transcript) Template(string tenant, SessionSetup setup, string kind, Action? onCommitted = null, ResumePoint? resumed = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        Directory.CreateDirectory(Runs);
        string? runId = null;
        StoredTranscriptStream? transcript = null;
        var effects = new LiveEffects(() => new Workspace(Sources.Workspace(tenant, runId!)));
        var template = new SessionOptionsTemplate
        {
            OpenTranscript = id =>
            {
                runId = id;
                var row = new NewSession(id, setup.Pack.Manifest.Name, setup.Pack.Manifest.Version, setup.Pack.Directory, setup.Pack.Digest.ToString(), resumed?.Created ?? _clock.GetUtcNow(), ReadOnlyMemory<byte>.Empty)
                {
                    Kind = kind,
                    ParentId = setup.ParentId,
                    Depth = setup.Depth,
                    Policy = setup.PolicyName,
                };
                var file = resumed is null ? OpenTranscript(TranscriptPath(id), id) : new FileStream(TranscriptPath(id), FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
                transcript = new StoredTranscriptStream(Store, Committer, tenant, row, file, resumed?.LinesStored ?? 0) { Committed = onCommitted, AutoCommit = kind == StoredSession.RunKind };
                return transcript;
            },
            Effects = effects,
            Policy = setup.Policy,
            Tools = setup.Tools,
            Clock = _clock,
            WriterOptions = new TranscriptWriterOptions { FsyncInterval = TimeSpan.FromMilliseconds(Config.FsyncIntervalMs.Value) },
        };
        return (template, () => transcript!);
    }

    /// <summary>Drains the group committer (at shutdown, after the last request).</summary>
    public async ValueTask DisposeAsync()
    {
        await Committer.DisposeAsync().ConfigureAwait(false);
        _resuming.Dispose();
    }

    // A child asks for limits no larger than its parent's (REACH-4013, not recorded: the request is malformed); whether
    // they fit in what the parent has left is the parent's budget gate's call, recorded.
    private static void CheckNarrows(Budgets parent, Budgets? asked)
    {
        if (asked is null)
        {
            return;
        }

        static void Check<T>(T? parentValue, T? askedValue, string field)
            where T : struct, IComparable<T>
        {
            if (askedValue is { } value && parentValue is { } limit && value.CompareTo(limit) > 0)
            {
                throw new ReachException(ErrorCatalog.RunnerSpawnNotSubset, $"The child's budget {field} ({value}) is larger than the parent's ({limit}).") { Details = Field("budget." + field) };
            }
        }

        Check(parent.MaxSteps, asked.MaxSteps, "max_steps");
        Check(parent.MaxToolCalls, asked.MaxToolCalls, "max_tool_calls");
        Check(parent.MaxCost, asked.MaxCost, "max_cost");
        Check(parent.MaxDuration, asked.MaxDuration, Budgets.DurationMsName);
    }

    private static Dictionary<string, object?> Field(string name) => new(StringComparer.Ordinal) { ["field"] = name };

    private static ReachException NotFound(string tenant, string id) =>
        new(ErrorCatalog.RunnerSessionNotFound, $"No session '{id}' for tenant '{tenant}'.");

    private static FileStream OpenTranscript(string path, string id)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReachException(ErrorCatalog.IoFailed, $"The transcript of '{id}' cannot be created in REACH_HOME/runs ({ex.GetType().Name}).");
        }
    }
}

/// <summary>Where a resumed session stands: when it was created and how many of its lines (header and events) the store holds.</summary>
internal sealed record ResumePoint(DateTimeOffset Created, long LinesStored);
