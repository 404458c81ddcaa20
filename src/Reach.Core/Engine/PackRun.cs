using Reach.Core.Errors;
using Reach.Core.Packs;

namespace Reach.Core.Engine;

/// <summary>Runs a pack: its steps become calls proposed to a <see cref="RunSession"/>, one after another.</summary>
public static class PackRun
{
    /// <summary>
    /// Runs <paramref name="pack"/> with already resolved <paramref name="inputs"/> (see <see cref="RunInputs.Resolve"/>).
    /// A denial or failure ends the run with a <c>run.finished</c> event; the transcript stays verifiable. Cancelling
    /// <paramref name="cancellationToken"/> (Ctrl+C) ends the run at once, sealed as failed with REACH-2240.
    /// </summary>
    public static async ValueTask<RunResult> ExecuteAsync(LoadedPack pack, JsonElement inputs, SessionOptionsTemplate options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(options);
        using var session = new RunSession(options.For(pack, inputs));
        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        JsonElement? last = null;
        var steps = pack.Manifest.Steps;
        for (var index = 0; index < steps.Count; index++)
        {
            var step = steps[index];
            if (cancellationToken.IsCancellationRequested)
            {
                return session.Finish(RunStatus.Failed, stepId: step.Id, code: ErrorCatalog.RunInterrupted, reason: $"The run was interrupted before step '{step.Id}'.");
            }

            JsonElement input;
            try
            {
                input = StepInput.Resolve(step, inputs, outputs);
            }
            catch (ReachException ex)
            {
                return session.Finish(RunStatus.Failed, stepId: step.Id, code: ex.Error, reason: ex.Message);
            }

            CallOutcome outcome;
            try
            {
                outcome = await session.ProposeAsync(new ProposedCall(step.Tool, input, step.Id, index), CallExecution.Here, cancellationToken).ConfigureAwait(false);
            }
            catch (ReachException ex)
            {
                // Refused before its first event (an input the OS would misread, text with no UTF-8 form): the call
                // recorded nothing, and the run ends sealed with the refusal's code.
                return session.Finish(RunStatus.Failed, stepId: step.Id, code: ex.Error, reason: ex.Message);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                // What the call recorded stays; the run ends as interrupted whatever the call's own outcome.
                return session.Finish(RunStatus.Failed, stepId: step.Id, code: ErrorCatalog.RunInterrupted, reason: $"The run was interrupted at step '{step.Id}'.");
            }

            if (outcome.Status != RunStatus.Succeeded)
            {
                return session.Finish(outcome.Status, stoppedBy: outcome, stepId: step.Id);
            }

            outputs[step.Id] = outcome.Output;
            last = outcome.Output;
        }

        return session.Finish(RunStatus.Succeeded, output: last);
    }
}

/// <summary>The parts of <see cref="SessionOptions"/> that do not depend on the pack: clock, randomness, effects, sinks.</summary>
public sealed record SessionOptionsTemplate
{
    /// <summary>Opens the transcript stream for a run id.</summary>
    public required Func<string, Stream> OpenTranscript { get; init; }

    /// <summary>Produces side-effecting tools' results.</summary>
    public required IEffectSource Effects { get; init; }

    /// <summary>The policy gate.</summary>
    public Gates.IPolicyGate Policy { get; init; } = Gates.DeclaredToolsPolicyGate.Instance;

    /// <summary>How long a gate may take to decide before it denies (null: as long as it takes).</summary>
    public TimeSpan? GateTimeout { get; init; }

    /// <summary>The tools.</summary>
    public Tools.ToolRegistry Tools { get; init; } = Reach.Core.Tools.ToolRegistry.BuiltIn;

    /// <summary>The injected clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The injected randomness.</summary>
    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;

    /// <summary>How the transcript is made durable.</summary>
    public Transcripts.TranscriptWriterOptions WriterOptions { get; init; } = new();

    /// <summary>Told of every event.</summary>
    public Action<RunProgress>? Observer { get; init; }

    /// <summary>The session options for one pack and its inputs.</summary>
    public SessionOptions For(LoadedPack pack, JsonElement inputs)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return new SessionOptions
        {
            Pack = pack.Manifest,
            PackDigest = pack.Digest,
            Inputs = inputs,
            OpenTranscript = OpenTranscript,
            Effects = Effects,
            Policy = Policy,
            GateTimeout = GateTimeout,
            Tools = Tools,
            Clock = Clock,
            Random = Random,
            WriterOptions = WriterOptions,
            Observer = Observer,
        };
    }
}
