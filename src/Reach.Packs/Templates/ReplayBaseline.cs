using Reach.Core.Engine;
using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Packs.Templates;

/// <summary>
/// Records the transcript a replay regression test compares against: one live run of the pack with its default
/// inputs. Side effects land in a temporary workspace that is deleted afterwards; the transcript keeps their results.
/// </summary>
public static class ReplayBaseline
{
    /// <summary>Where the transcript goes, relative to the template's directory.</summary>
    public const string TranscriptPath = "tests/recorded.jsonl";

    /// <summary>Runs the pack in <paramref name="packDirectory"/> and writes its transcript to <paramref name="transcriptPath"/> (which must not exist).</summary>
    /// <returns>The run's result; a template's pack must succeed.</returns>
    public static async Task<RunResult> RecordAsync(string packDirectory, string transcriptPath)
    {
        var pack = PackLoader.Load(packDirectory, ToolRegistry.BuiltIn.Names);
        var inputs = RunInputs.Resolve(pack.Manifest, RunInputs.ParseText(null));
        var workspace = Directory.CreateTempSubdirectory("reach-init-");
        try
        {
            var options = new SessionOptionsTemplate
            {
                OpenTranscript = _ => new FileStream(transcriptPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read),
                Effects = new LiveEffects(() => new Workspace(workspace.FullName)),
            };
            var result = await PackRun.ExecuteAsync(pack, inputs, options).ConfigureAwait(false);
            if (result.Status != RunStatus.Succeeded)
            {
                throw new InvalidOperationException($"The template's pack did not succeed ({result.Code?.Code}: {result.Reason}); a template must run.");
            }

            return result;
        }
        finally
        {
            workspace.Delete(recursive: true);
        }
    }
}
